import type { DeliveryRecord } from '@hookdesk/storage';
import { until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { harness, receiver } from './support/setup.js';

describe('per-attempt headers in the log', () => {
  it('keeps the headers each attempt went out with, its own timestamp and signatures', async () => {
    const { hookdesk, storage, clock } = await harness({ retrySchedule: [2_000] });
    const r = await receiver({ respond: [{ status: 500 }, { status: 200 }] });
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'], headers: { 'X-Team': 'a' } });
    const [uuid] = (await hookdesk.ticketCreated({ id: 1 })) as [string];
    await until(async () => (await storage.log.get(uuid))?.attemptCount === 1, 'attempt 1 logged');
    await clock.advance(2_000);
    await until(async () => (await storage.log.get(uuid))?.status === 'succeeded', 'attempt 2 logged');
    const entry = await hookdesk.getLog(uuid);
    expect(entry.attempts).toHaveLength(2);
    for (const [at, attempt] of entry.attempts.entries()) {
      const sent = r.requests[at]!.headers;
      for (const [name, value] of Object.entries(attempt.headers)) expect(sent[name], name).toBe(value);
      expect(attempt.headers['x-hookdesk-attempt']).toBe(String(at + 1));
      expect(attempt.headers['x-team']).toBe('a');
    }
    const [first, second] = entry.attempts;
    expect(Object.keys(first!.headers)).toEqual(
      expect.arrayContaining([
        'webhook-timestamp',
        'webhook-signature',
        'x-hookdesk-signature',
        'webhook-id',
      ]),
    );
    expect(Number(second!.headers['webhook-timestamp'])).toBe(
      Number(first!.headers['webhook-timestamp']) + 2,
    );
    expect(second!.headers['webhook-signature']).not.toBe(first!.headers['webhook-signature']);
    // The entry's own headers stay the latest attempt's.
    expect(entry.headers).toEqual(second!.headers);
  });

  it('shows {} for an attempt recorded before attempts kept their headers', async () => {
    const { hookdesk, storage } = await harness();
    const uuid = '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d';
    const older: DeliveryRecord = {
      uuid,
      event: 'ticket.created',
      webhookId: 'w',
      ruleId: null,
      url: 'https://receiver.example.com/hooks',
      status: 'failed',
      body: '{}',
      headers: { 'x-hookdesk-attempt': '1' },
      signature: 'sha1=00',
      createdAt: '2026-11-01T00:00:00.000Z',
      lastAttemptAt: '2026-11-01T00:00:01.000Z',
      nextAttemptAt: null,
      lastStatusCode: 500,
      attemptCount: 1,
      attempts: [
        {
          number: 1,
          at: '2026-11-01T00:00:01.000Z',
          durationMs: 5,
          statusCode: 500,
          responseExcerpt: null,
          error: null,
          blocked: false,
        },
      ],
    };
    await storage.log.create([older]);
    const entry = await hookdesk.getLog(uuid);
    expect(entry.attempts).toEqual([{ ...older.attempts[0], headers: {} }]);
    expect(entry.headers).toEqual({ 'x-hookdesk-attempt': '1' });
  });
});
