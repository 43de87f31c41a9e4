import type { DeliveryRecord } from '@hookdesk/storage';
import { until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../src/index.js';
import { harness } from './support/setup.js';

/** A failed delivery of a webhook that does not exist: a resend of it fails unsent, no request. */
function failedDelivery(n: number): DeliveryRecord {
  const uuid = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const createdAt = new Date(Date.parse('2026-11-01T00:00:00Z') + n * 1000).toISOString();
  return {
    uuid,
    event: 'ticket.created',
    webhookId: 'deleted-webhook',
    ruleId: null,
    url: 'https://receiver.example.com/hooks',
    status: 'failed',
    body: JSON.stringify({ uuid, event: 'ticket.created', created_at: createdAt, ticket: { id: n } }),
    headers: {},
    signature: 'sha1=00',
    createdAt,
    lastAttemptAt: null,
    nextAttemptAt: null,
    lastStatusCode: null,
    attemptCount: 0,
    attempts: [],
  };
}

describe('resend with counts', () => {
  it('counts a filter resend, says when it stopped at 1,000, and a dry run queues nothing', async () => {
    const { hookdesk, storage } = await harness();
    const records = Array.from({ length: 1001 }, (_, n) => failedDelivery(n));
    await storage.log.create(records);

    const dry = await hookdesk.resendWithCounts({ filter: { status: 'failed' }, dryRun: true });
    expect(dry).toEqual({ results: [], matched: 1000, queued: 0, capped: true });
    expect(await storage.queue.size()).toBe(0);
    expect((await hookdesk.listLogs({ status: 'pending' })).items).toEqual([]);
    const few = { status: 'failed' as const, until: records[10]!.createdAt };
    expect(await hookdesk.resendWithCounts({ filter: few, dryRun: true })).toEqual({
      results: [],
      matched: 10,
      queued: 0,
      capped: false,
    });
    const missing = '00000000-0000-4000-8000-ffffffffffff';
    expect(await hookdesk.resendWithCounts({ ids: [records[0]!.uuid, missing], dryRun: true })).toEqual({
      results: [],
      matched: 1,
      queued: 0,
      capped: false,
    });

    // Switched off, a resend is refused; a dry run still counts (it changes nothing).
    await hookdesk.setActive(false);
    await expect(hookdesk.resendWithCounts({ filter: few })).rejects.toBeInstanceOf(ConflictError);
    expect((await hookdesk.resendWithCounts({ filter: few, dryRun: true })).matched).toBe(10);
    await hookdesk.setActive(true);

    const byIds = await hookdesk.resendWithCounts({ ids: [records[0]!.uuid, missing] });
    expect(byIds).toEqual({
      results: [
        { uuid: records[0]!.uuid, status: 'queued' },
        { uuid: missing, status: 'not_found' },
      ],
      matched: 1,
      queued: 1,
      capped: false,
    });
    const all = await hookdesk.resendWithCounts({ filter: { status: 'failed' } });
    expect(all).toMatchObject({ matched: 1000, queued: 1000, capped: true });
    expect(all.results).toHaveLength(1000);
    expect(all.results.every((result) => result.status === 'queued')).toBe(true);
    // The newest 1,000: the oldest delivery is the one left out.
    expect(all.results.map((result) => result.uuid)).not.toContain(records[0]!.uuid);
    // `resend` answers the results alone, as before.
    await until(async () => (await storage.log.get(records[0]!.uuid))?.status === 'failed', 'dropped');
    expect(await hookdesk.resend({ ids: [missing] })).toEqual([{ uuid: missing, status: 'not_found' }]);
  }, 60_000);
});
