import { RecordNotFoundError } from '@hookdesk/storage';
import { attempt, makeDelivery, minutes } from './fixtures.js';
import { KEYS, LOG_STATES, SETS } from './key-layout.js';
import type { StorageContext } from './storage-context.js';

/** Delivery records: created whole, attempts appended, status moved between the status sets. */
export function deliveryRecordsConformance(ctx: StorageContext): void {
  const { it, expect } = ctx.test;
  it('creates deliveries and reads them back whole', async () => {
    const record = makeDelivery('one', 3);
    await ctx.storage.log.create([record]);
    expect(await ctx.storage.log.get('one')).toEqual(record);
    expect(await ctx.storage.log.get('missing')).toBeUndefined();
  });

  it('appends attempts, moves the status, and keeps the latest headers and signature', async () => {
    await ctx.storage.log.create([makeDelivery('a', 1)]);
    const first = await ctx.storage.log.recordAttempt('a', attempt(1, 2, null), {
      status: 'pending',
      nextAttemptAt: minutes(7),
    });
    expect(first.attemptCount).toBe(1);
    expect(first.nextAttemptAt).toBe(minutes(7));
    expect(first.lastStatusCode).toBeNull();
    const second = await ctx.storage.log.recordAttempt('a', attempt(2, 7, 503), {
      status: 'failed',
      nextAttemptAt: null,
      headers: { 'x-hookdesk-attempt': '2' },
      signature: 'sha1=ff',
    });
    expect(second).toMatchObject({
      status: 'failed',
      attemptCount: 2,
      lastAttemptAt: minutes(7),
      lastStatusCode: 503,
      headers: { 'x-hookdesk-attempt': '2' },
      signature: 'sha1=ff',
    });
    expect(second.attempts.map((a) => a.number)).toEqual([1, 2]);
    expect(await ctx.storage.log.get('a')).toEqual(second);
    expect((await ctx.storage.log.list({ status: 'failed' })).items.map((item) => item.uuid)).toEqual(['a']);
    expect((await ctx.storage.log.list({ status: 'pending' })).items).toEqual([]);

    const resent = await ctx.storage.log.setStatus('a', { status: 'pending', nextAttemptAt: minutes(8) });
    expect(resent).toMatchObject({ status: 'pending', attemptCount: 2, nextAttemptAt: minutes(8) });
    expect((await ctx.storage.log.list({ status: 'failed' })).items).toEqual([]);
    expect((await ctx.storage.log.list({ status: 'pending', webhookId: 'wh-1' })).items).toHaveLength(1);
  });

  it("keeps each attempt's own headers, and reads an attempt recorded without them", async () => {
    await ctx.storage.log.create([makeDelivery('h', 1)]);
    const sent = (n: number) => ({ 'x-hookdesk-attempt': String(n), 'webhook-timestamp': String(1_000 + n) });
    await ctx.storage.log.recordAttempt(
      'h',
      { ...attempt(1, 2, 500), headers: sent(1) },
      { status: 'pending', nextAttemptAt: minutes(3), headers: sent(1) },
    );
    // An attempt as a version before per-attempt headers wrote it: none.
    await ctx.storage.log.recordAttempt('h', attempt(2, 3, 500), {
      status: 'pending',
      nextAttemptAt: minutes(4),
    });
    const third = await ctx.storage.log.recordAttempt(
      'h',
      { ...attempt(3, 4, 200), headers: sent(3) },
      { status: 'succeeded', nextAttemptAt: null, headers: sent(3) },
    );
    const stored = await ctx.storage.log.get('h');
    expect(stored).toEqual(third);
    expect(stored?.attempts.map((a) => a.headers)).toEqual([sent(1), undefined, sent(3)]);
    expect(stored?.headers).toEqual(sent(3));
    // A record an older version stored, attempts without `headers`, still reads and takes new ones.
    const older = makeDelivery('older', 2, { attempts: [attempt(1, 2, 500)], attemptCount: 1 });
    await ctx.storage.records.write([{ key: KEYS.delivery('older'), value: older }]);
    expect(await ctx.storage.log.get('older')).toEqual(older);
    await expect(
      ctx.storage.log.recordAttempt(
        'h',
        { ...attempt(4, 5, 200), headers: { 'x-hookdesk-attempt': 4 as never } },
        { status: 'succeeded', nextAttemptAt: null },
      ),
    ).rejects.toThrow(/headers/);
  });

  it('moves a delivery between sets, leaving no entry in the set it left', async () => {
    const record = makeDelivery('moving', 4, { nextAttemptAt: minutes(4) });
    const member = async (set: string) =>
      (await ctx.storage.index.range(set, { limit: 10, order: 'asc' })).length;
    const event = record.event;
    const bySet = async () => ({
      pending: await member(SETS.logEvent(event, 'pending')),
      scheduled: await member(SETS.logEvent(event, 'scheduled')),
      failed: await member(SETS.logEvent(event, 'failed')),
      webhookPending: await member(SETS.logWebhookStatus('wh-1', 'pending')),
      webhookFailed: await member(SETS.logWebhookStatus('wh-1', 'failed')),
    });
    // Pending and due at its creation: its event entry is its first attempt's queue entry.
    await ctx.storage.log.create([record]);
    expect(await bySet()).toEqual({
      pending: 1,
      scheduled: 0,
      failed: 0,
      webhookPending: 1,
      webhookFailed: 0,
    });
    expect(await ctx.storage.queue.due(Date.parse(minutes(4)), 10)).toEqual([
      { uuid: 'moving', dueAt: Date.parse(minutes(4)) },
    ]);
    // Listing checks each record's status, so a stale entry would not show there: read the sets.
    await ctx.storage.log.recordAttempt('moving', attempt(1, 5, 500), {
      status: 'pending',
      nextAttemptAt: minutes(6),
    });
    // A retry is the queue's own entry: the log no longer queues it.
    expect(await bySet()).toEqual({
      pending: 0,
      scheduled: 1,
      failed: 0,
      webhookPending: 1,
      webhookFailed: 0,
    });
    expect(await ctx.storage.queue.due(Date.parse(minutes(9)), 10)).toEqual([]);
    await ctx.storage.log.recordAttempt('moving', attempt(2, 6, 500), {
      status: 'failed',
      nextAttemptAt: null,
    });
    expect(await bySet()).toEqual({
      pending: 0,
      scheduled: 0,
      failed: 1,
      webhookPending: 0,
      webhookFailed: 1,
    });
    await ctx.storage.log.setStatus('moving', { status: 'pending', nextAttemptAt: minutes(7) });
    expect(await bySet()).toEqual({
      pending: 0,
      scheduled: 1,
      failed: 0,
      webhookPending: 1,
      webhookFailed: 0,
    });
    // One entry per dimension, whatever the number of moves.
    const everySet = [
      ...LOG_STATES.map((state) => SETS.logEvent(event, state)),
      SETS.logWebhookStatus('wh-1', 'pending'),
      SETS.logWebhookStatus('wh-1', 'failed'),
      SETS.logWebhookStatus('wh-1', 'succeeded'),
    ];
    let entries = 0;
    for (const set of everySet) entries += await ctx.storage.index.count(set);
    expect(entries).toBe(2);
  });

  it('hands out a first attempt the log queues until the delivery moves on, and repairs a stale entry', async () => {
    const first = makeDelivery('first', 1, { nextAttemptAt: minutes(1) });
    const second = makeDelivery('second', 2, { nextAttemptAt: minutes(2) });
    const later = makeDelivery('later', 3, { nextAttemptAt: minutes(30) });
    await ctx.storage.log.create([first, second, later]);
    // Due at creation, earliest first; one due later than its creation is the queue's to schedule.
    expect(await ctx.storage.queue.due(Date.parse(minutes(90)), 10)).toEqual([
      { uuid: 'first', dueAt: Date.parse(minutes(1)) },
      { uuid: 'second', dueAt: Date.parse(minutes(2)) },
    ]);
    expect(await ctx.storage.queue.due(Date.parse(minutes(1)), 10)).toEqual([
      { uuid: 'first', dueAt: Date.parse(minutes(1)) },
    ]);
    expect(await ctx.storage.queue.nextDueAt()).toBe(Date.parse(minutes(1)));
    await ctx.storage.log.recordAttempt('first', attempt(1, 2, 200), {
      status: 'succeeded',
      nextAttemptAt: null,
    });
    expect(await ctx.storage.queue.due(Date.parse(minutes(90)), 10)).toEqual([
      { uuid: 'second', dueAt: Date.parse(minutes(2)) },
    ]);
    // A crash between a record and its index entries (stores without shared commits): the record
    // says succeeded, the queue entry is still there. The queue moves the entries, never hands it out.
    const member = `${String(Date.parse(minutes(2))).padStart(13, '0')}:second`;
    await ctx.storage.records.write([
      { key: KEYS.delivery('second'), value: { ...second, status: 'succeeded', nextAttemptAt: null } },
    ]);
    expect(await ctx.storage.queue.due(Date.parse(minutes(90)), 10)).toEqual([]);
    expect(
      await ctx.storage.index.range(SETS.logEvent(second.event, 'pending'), { limit: 10, order: 'asc' }),
    ).toEqual([]);
    expect(
      await ctx.storage.index.range(SETS.logEvent(second.event, 'succeeded'), { limit: 10, order: 'asc' }),
    ).toContain(member);
    expect(await ctx.storage.queue.nextDueAt()).toBeNull();
  });

  it('reindexes a settled retry whose index update a crash lost, its count included, once', async () => {
    const retry = makeDelivery('retry', 2);
    await ctx.storage.log.create([retry]);
    const retried = await ctx.storage.log.recordAttempt('retry', attempt(1, 3, 500), {
      status: 'pending',
      nextAttemptAt: minutes(10),
    });
    // The second attempt's record was written, its index update lost (a worker killed between).
    const settled = {
      ...retried,
      status: 'succeeded' as const,
      nextAttemptAt: null,
      attempts: [...retried.attempts, attempt(2, 10, 200)],
      attemptCount: 2,
    };
    await ctx.storage.records.write([{ key: KEYS.delivery('retry'), value: settled }]);
    const listed = async (status: 'pending' | 'succeeded') =>
      (await ctx.storage.log.list({ status })).items.map((item) => item.uuid);
    expect(await listed('succeeded')).toEqual([]);
    const stored = (await ctx.storage.log.get('retry'))!;
    await ctx.storage.log.reindex(stored);
    await ctx.storage.log.reindex(stored);
    expect(await listed('succeeded')).toEqual(['retry']);
    expect(await listed('pending')).toEqual([]);
    expect(
      (await ctx.storage.log.list({ webhookId: retry.webhookId!, status: 'succeeded' })).items,
    ).toHaveLength(1);
    const buckets = await ctx.storage.log.stats({ since: minutes(0), until: minutes(59) });
    expect(buckets.reduce((sum, b) => sum + b.succeeded, 0)).toBe(1);
  });

  it('keeps the reason of a delivery that failed unsent until a resend clears it', async () => {
    const unsent = makeDelivery('unsent', 2, {
      status: 'failed',
      body: '{"uuid":"unsent","event":"ticket.updated","ticket":{"id":2,"text":"xxxx',
      signature: '',
      headers: {},
      error: 'The ticket.updated body would be 300000 bytes, over the 262144-byte limit.',
      bodyTooLarge: { bytes: 300_000, limit: 262_144 },
    });
    await ctx.storage.log.create([unsent, makeDelivery('sendable', 3)]);
    expect(await ctx.storage.log.get('unsent')).toEqual(unsent);
    // Summaries are LogSummary's fields only; the reason is in the full entry.
    const [summary] = (await ctx.storage.log.list({ status: 'failed' })).items;
    expect(summary).toEqual({
      uuid: 'unsent',
      event: 'ticket.created',
      webhookId: 'wh-1',
      ruleId: null,
      url: 'https://example.com/hooks/wh-1',
      status: 'failed',
      createdAt: minutes(2),
      lastAttemptAt: null,
      nextAttemptAt: null,
      lastStatusCode: null,
      attemptCount: 0,
    });

    // A webhook gone: failed without an attempt, with the reason; a resend clears it.
    const gone = await ctx.storage.log.setStatus('sendable', {
      status: 'failed',
      nextAttemptAt: null,
      error: 'The webhook was deleted.',
    });
    expect(gone.error).toBe('The webhook was deleted.');
    expect((await ctx.storage.log.get('sendable'))?.error).toBe('The webhook was deleted.');
    const kept = await ctx.storage.log.setStatus('sendable', { status: 'failed', nextAttemptAt: null });
    expect(kept.error).toBe('The webhook was deleted.');
    const resent = await ctx.storage.log.setStatus('sendable', {
      status: 'pending',
      nextAttemptAt: minutes(4),
      error: null,
    });
    expect(resent).not.toHaveProperty('error');
    expect(await ctx.storage.log.get('sendable')).not.toHaveProperty('error');
    // An attempt supersedes the reason: it carries its own error.
    await ctx.storage.log.setStatus('sendable', { status: 'failed', nextAttemptAt: null, error: 'Gone.' });
    const attempted = await ctx.storage.log.recordAttempt('sendable', attempt(1, 5, 200), {
      status: 'succeeded',
      nextAttemptAt: null,
    });
    expect(attempted).not.toHaveProperty('error');
    expect(await ctx.storage.log.get('sendable')).not.toHaveProperty('error');

    await expect(ctx.storage.log.create([makeDelivery('bad', 4, { error: 42 as never })])).rejects.toThrow(
      /error/,
    );
    await expect(
      ctx.storage.log.create([makeDelivery('bad', 4, { bodyTooLarge: { bytes: -1, limit: 10 } })]),
    ).rejects.toThrow(/bodyTooLarge/);
    expect(await ctx.storage.log.get('bad')).toBeUndefined();
  });

  it('rejects an attempt for an unknown delivery with a RecordNotFoundError', async () => {
    await expect(
      ctx.storage.log.recordAttempt('nope', attempt(1, 1, 200), { status: 'succeeded', nextAttemptAt: null }),
    ).rejects.toBeInstanceOf(RecordNotFoundError);
    await expect(
      ctx.storage.log.setStatus('nope', { status: 'failed', nextAttemptAt: null }),
    ).rejects.toThrow(/nope/);
  });
}
