import { describe, expect, it } from 'vitest';
import {
  applyJitter,
  classifyStatus,
  DEFAULT_RETRY_POLICY,
  DEFAULT_RETRY_SCHEDULE_MS,
  decideAfterAttempt,
  parseRetryAfter,
} from '../src/retry-policy.js';

const H = 3_600_000;
const NOW = Date.parse('2026-11-28T10:00:00.000Z');

describe('classifyStatus', () => {
  it.each([
    [200, 'success'],
    [204, 'success'],
    [299, 'success'],
    [301, 'redirect'],
    [302, 'redirect'],
    [308, 'redirect'],
    [410, 'gone'],
    [400, 'failure'],
    [429, 'failure'],
    [500, 'failure'],
    [503, 'failure'],
    [100, 'failure'],
  ])('%i is %s', (status, expected) => {
    expect(classifyStatus(status)).toBe(expected);
  });
});

describe('schedule', () => {
  it('is the docs/wire.md schedule', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([5_000, 300_000, 1_800_000, 2 * H, 5 * H, 10 * H, 10 * H]);
  });

  it.each([
    [0, 0.8],
    [0.5, 1],
    [0.999999, 1.2],
  ])('jitter with random %f scales by %f', (random, factor) => {
    expect(applyJitter(10_000, 0.2, random)).toBe(Math.round(10_000 * factor));
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 5 ', 5_000],
    ['Sat, 28 Nov 2026 10:01:00 GMT', 60_000],
    ['Sat, 28 Nov 2026 09:00:00 GMT', 0],
    ['soon', null],
    [null, null],
    ['-3', null],
  ])('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('decideAfterAttempt', () => {
  const policy = { schedule: DEFAULT_RETRY_SCHEDULE_MS, jitter: 0 };
  const cases: [string, Parameters<typeof decideAfterAttempt>[0]['result'], number, unknown][] = [
    ['2xx succeeds', { kind: 'response', statusCode: 200 }, 1, { action: 'succeed' }],
    [
      '500 after attempt 1 waits 5 s',
      { kind: 'response', statusCode: 500 },
      1,
      { action: 'retry', delayMs: 5_000 },
    ],
    [
      '500 after attempt 2 waits 5 min',
      { kind: 'response', statusCode: 500 },
      2,
      { action: 'retry', delayMs: 300_000 },
    ],
    ['error after attempt 7 waits 10 h', { kind: 'error' }, 7, { action: 'retry', delayMs: 10 * H }],
    ['error after attempt 8 fails', { kind: 'error' }, 8, { action: 'fail' }],
    [
      'blocked retries like an error',
      { kind: 'error', blocked: true },
      1,
      { action: 'retry', delayMs: 5_000 },
    ],
    [
      '3xx is a failure that retries',
      { kind: 'response', statusCode: 302 },
      1,
      { action: 'retry', delayMs: 5_000 },
    ],
    [
      '410 deactivates',
      { kind: 'response', statusCode: 410 },
      1,
      { action: 'deactivate', reason: 'The receiver answered 410 Gone.' },
    ],
    [
      '429 Retry-After larger than schedule wins',
      { kind: 'response', statusCode: 429, retryAfter: '60' },
      1,
      { action: 'retry', delayMs: 60_000 },
    ],
    [
      '503 Retry-After smaller than schedule loses',
      { kind: 'response', statusCode: 503, retryAfter: '1' },
      2,
      { action: 'retry', delayMs: 300_000 },
    ],
    [
      'Retry-After is clamped to the longest delay',
      { kind: 'response', statusCode: 429, retryAfter: String(48 * 3600) },
      1,
      { action: 'retry', delayMs: 10 * H },
    ],
    [
      'Retry-After on a 500 is ignored',
      { kind: 'response', statusCode: 500, retryAfter: '60' },
      1,
      { action: 'retry', delayMs: 5_000 },
    ],
    [
      '429 after the last attempt fails',
      { kind: 'response', statusCode: 429, retryAfter: '1' },
      8,
      { action: 'fail' },
    ],
  ];
  it.each(cases)('%s', (_name, result, attemptNumber, expected) => {
    expect(decideAfterAttempt({ attemptNumber, result, policy, random: 0.5, nowMs: NOW })).toEqual(expected);
  });

  it('jitters every delay within ±20 %', () => {
    for (const random of [0, 0.25, 0.5, 0.75, 0.9999]) {
      for (let n = 1; n <= 7; n++) {
        const d = decideAfterAttempt({
          attemptNumber: n,
          result: { kind: 'error' },
          policy: DEFAULT_RETRY_POLICY,
          random,
          nowMs: NOW,
        });
        const base = DEFAULT_RETRY_SCHEDULE_MS[n - 1] as number;
        expect(d.action).toBe('retry');
        const delay = (d as { delayMs: number }).delayMs;
        expect(delay).toBeGreaterThanOrEqual(base * 0.8 - 1);
        expect(delay).toBeLessThanOrEqual(base * 1.2 + 1);
      }
    }
  });

  it('honours a custom schedule', () => {
    const custom = { schedule: [10, 20], jitter: 0 };
    const at = (n: number) =>
      decideAfterAttempt({
        attemptNumber: n,
        result: { kind: 'error' },
        policy: custom,
        random: 0.5,
        nowMs: NOW,
      });
    expect([at(1), at(2), at(3)]).toEqual([
      { action: 'retry', delayMs: 10 },
      { action: 'retry', delayMs: 20 },
      { action: 'fail' },
    ]);
  });
});
