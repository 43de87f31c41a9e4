import { describe, expect, it } from 'vitest';
import { decideOutcome } from '../src/attempt-outcome.js';
import { applyAutoDisable, failingTooLong } from '../src/auto-disable.js';
import { DEFAULT_RETRY_POLICY } from '../src/retry-policy.js';
import type { SendResult } from '../src/sender.js';

const H = 3_600_000;
const day = 24 * H;
const NOW = Date.parse('2026-11-10T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('failingTooLong', () => {
  it.each([
    [null, false],
    [ago(5 * day), true],
    [ago(5 * day - 1), false],
    [ago(6 * day), true],
  ])('failing since %s → %s', (since, expected) => {
    expect(failingTooLong(since, NOW, 5 * day)).toBe(expected);
  });
});

describe('applyAutoDisable', () => {
  const retry = { action: 'retry', delayMs: 5_000 } as const;
  it.each([
    [
      'a success never deactivates',
      { action: 'succeed' } as const,
      ago(9 * day),
      { action: 'succeed' },
      null,
    ],
    [
      'a 410 deactivates at once',
      { action: 'deactivate', reason: 'gone' } as const,
      null,
      { action: 'deactivate', reason: 'gone' },
      'gone',
    ],
    ['a first failure starts the run', retry, null, retry, null],
    ['a failure inside the window retries', retry, ago(5 * day - 1), retry, null],
    [
      'a failure at the window ends the run',
      retry,
      ago(5 * day),
      { action: 'fail' },
      'Failing without a single success for 5 days.',
    ],
    [
      'a final failure past the window too',
      { action: 'fail' } as const,
      ago(6 * day),
      { action: 'fail' },
      'Failing without a single success for 5 days.',
    ],
  ])('%s', (_, decision, failingSince, expected, reason) => {
    expect(applyAutoDisable({ decision, failingSince, nowMs: NOW, windowMs: 5 * day })).toEqual({
      decision: expected,
      deactivateReason: reason,
    });
  });
});

describe('decideOutcome', () => {
  const result = (statusCode: number | null, error: string | null = null): SendResult => ({
    statusCode,
    retryAfter: null,
    responseExcerpt: null,
    error,
    blocked: false,
    durationMs: 3,
  });
  const input = {
    number: 1,
    once: false,
    failingSince: null,
    policy: DEFAULT_RETRY_POLICY,
    disableAfterMs: 5 * day,
    random: 0.5,
    nowMs: NOW,
  };

  it('retries a failure on the schedule', () => {
    expect(decideOutcome({ ...input, result: result(500) })).toEqual({
      status: 'pending',
      dueAt: NOW + 5_000,
      deactivateReason: null,
    });
  });

  it('never retries a resend or a test', () => {
    expect(decideOutcome({ ...input, once: true, result: result(null, 'ECONNREFUSED') })).toEqual({
      status: 'failed',
      dueAt: null,
      deactivateReason: null,
    });
  });

  it('deactivates a webhook failing past the window, and fails the delivery for good', () => {
    expect(decideOutcome({ ...input, failingSince: ago(5 * day), result: result(503) })).toEqual({
      status: 'failed',
      dueAt: null,
      deactivateReason: 'Failing without a single success for 5 days.',
    });
  });

  it('never deactivates for a smart rule’s delivery (it has no webhook)', () => {
    expect(decideOutcome({ ...input, failingSince: undefined, result: result(410) })).toEqual({
      status: 'failed',
      dueAt: null,
      deactivateReason: null,
    });
  });

  it('succeeds on a 2xx', () => {
    expect(decideOutcome({ ...input, failingSince: ago(9 * day), result: result(204) })).toEqual({
      status: 'succeeded',
      dueAt: null,
      deactivateReason: null,
    });
  });
});
