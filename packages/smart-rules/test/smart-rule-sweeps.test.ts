import { settle, until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { HOUR, openOver2h, triggered } from './support/rule-fixtures.js';
import { harness, receiver } from './support/setup.js';

describe('smart rules: sweeps', () => {
  it('fires a calendar-hours rule on the periodic sweep once the hours pass, once', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ sweepIntervalMs: 600_000 });
    const r = await receiver();
    const rule = await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: r.url },
    });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    await hookdesk.ticketCreated({ id: 2, status: 'pending' });
    await clock.advance(HOUR + 50 * 60_000);
    expect(await triggered(storage, rule.id)).toEqual([]);
    await clock.advance(20 * 60_000);
    await until(async () => (await triggered(storage, rule.id)).length === 1, 'the sweep to fire');
    const [request] = await r.waitForRequests(1);
    expect(JSON.parse(request?.body.toString('utf8') ?? '').ticket).toEqual({ id: 1, status: 'open' });
    await clock.advance(5 * HOUR);
    await settle();
    expect(await triggered(storage, rule.id)).toHaveLength(1);
  });

  it('gives the firing claim back when a sweep re-arms a rule, so the next match fires again', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ sweepIntervalMs: 0 });
    const r = await receiver();
    // Matches while the ticket was touched within the hour: time alone makes it stop matching.
    const rule = await rules.create({
      name: 'Fresh activity',
      conditions: { all: [{ time: 'since_updated', op: 'lt', hours: 1, clock: 'calendar' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    expect(await hookdesk.ticketCreated({ id: 5, status: 'open' })).toHaveLength(1);
    expect(await storage.ruleFirings.has(rule.id, '5')).toBe(true);
    await clock.advance(2 * HOUR);
    expect(await rules.sweep()).toMatchObject({ fired: 0, rearmed: 1 });
    expect(await storage.ruleFirings.has(rule.id, '5')).toBe(false);
    // The ticket's next event makes it match again: a new firing, not one the old claim swallows.
    expect(await hookdesk.ticketUpdated({ id: 5, status: 'pending' })).toHaveLength(1);
    await r.waitForRequests(2);
    expect(await triggered(storage, rule.id)).toHaveLength(2);
  });

  it('fires a working-hours rule only when enough working time has passed', async () => {
    // The fake clock starts on Saturday 2026-11-28 08:00 UTC; Berlin works Mon–Fri 09:00–17:00.
    const { hookdesk, rules, storage, clock } = await harness({ sweepIntervalMs: HOUR / 2 });
    const hours = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]),
    );
    const rule = await rules.create({
      name: '2 working hours',
      workSchedule: { timeZone: 'Europe/Berlin', hours },
      conditions: { all: [{ time: 'since_created', op: 'gt', hours: 2, clock: 'working' }] },
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    // Monday 09:00 Berlin is 08:00 UTC; two working hours are done at 10:00 UTC.
    await clock.advance(Date.parse('2026-11-30T09:45:00Z') - clock.now());
    await settle();
    expect(await triggered(storage, rule.id)).toEqual([]);
    const preview = await rules.preview(rule.id);
    expect(preview.items).toEqual([
      // "More than 2 hours": the first instant past the threshold.
      expect.objectContaining({
        ticketId: '1',
        matches: false,
        when: 'later',
        firesAt: '2026-11-30T10:00:00.001Z',
      }),
    ]);
    // Sweeps run on the half hour; the 10:30 one is the first past 10:00.
    await clock.advance(HOUR);
    await until(async () => (await triggered(storage, rule.id)).length === 1, 'the working-hours sweep');
  });

  it('previews without sending or recording anything', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ sweepIntervalMs: 0 });
    const r = await receiver();
    const rule = await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: r.url },
    });
    // a matches on its own event (time conditions count there too) and fires at once.
    await hookdesk.ticketCreated({ id: 'a', status: 'open', created_at: '2026-11-28T05:00:00Z' });
    await hookdesk.ticketCreated({ id: 'b', status: 'open' });
    await hookdesk.ticketCreated({ id: 'c', status: 'closed' });
    await hookdesk.ticketCreated({ id: 'd', status: 'pending' });
    await clock.advance(HOUR);
    await hookdesk.ticketCreated({ id: 'e', status: 'open' });
    await clock.advance(HOUR + 60_000);
    await r.waitForRequests(1);
    const preview = await rules.preview(rule.id);
    expect(preview).toEqual({
      items: [
        {
          ticketId: 'a',
          ticket: expect.objectContaining({ id: 'a' }),
          matches: true,
          when: 'fired',
          firesAt: null,
        },
        {
          ticketId: 'b',
          ticket: { id: 'b', status: 'open' },
          matches: true,
          when: 'now',
          firesAt: '2026-11-28T10:01:00.000Z',
        },
        {
          ticketId: 'e',
          ticket: { id: 'e', status: 'open' },
          matches: false,
          when: 'later',
          firesAt: '2026-11-28T11:00:00.001Z',
        },
      ],
      truncated: false,
    });
    expect((await rules.preview(rule.id, { limit: 2 })).truncated).toBe(true);
    await settle();
    expect(await triggered(storage, rule.id)).toHaveLength(1);
    expect(await storage.ruleFirings.has(rule.id, 'b')).toBe(false);
    expect(r.requests).toHaveLength(1);
    // The sweep, by contrast, fires b.
    expect(await rules.sweep()).toMatchObject({ tickets: 4, fired: 1 });
    expect(await storage.ruleFirings.has(rule.id, 'b')).toBe(true);
  });

  it('forgets closed tickets after the retention, and close() stops the sweeper', async () => {
    const { hookdesk, rules, storage, clock } = await harness({
      sweepIntervalMs: HOUR,
      closedTicketRetentionMs: 2 * HOUR,
    });
    await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, status: 'closed' });
    await hookdesk.ticketCreated({ id: 2, status: 'open' });
    expect(await storage.tickets.get('1')).toBeDefined();
    await clock.advance(3 * HOUR + 1);
    await until(async () => (await storage.tickets.get('1')) === undefined, 'the closed ticket to go');
    await until(async () => (await storage.log.uuids({}, 10)).length === 1, 'ticket 2 to fire');
    await hookdesk.close();
    await hookdesk.close();
    await hookdesk.ticketCreated({ id: 3, status: 'open' }).catch(() => {});
    await expect(rules.sweep()).rejects.toThrow(/closed/);
  });

  it('reads tickets that predate the install from the ticketSource, and sweeps them', async () => {
    const { rules, storage } = await harness({
      sweepIntervalMs: 0,
      ticketSource: async function* () {
        yield { id: 'old-1', status: 'open', created_at: '2026-11-27T08:00:00Z' };
        yield { id: 'old-2', status: 'closed' };
        yield { subject: 'no id' };
      },
    });
    const rule = await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await until(async () => (await storage.tickets.countOpen()) === 1, 'the ticketSource import');
    expect(await storage.tickets.get('old-2')).toBeUndefined();
    expect(await rules.sweep()).toMatchObject({ tickets: 1, fired: 1 });
    expect(await triggered(storage, rule.id)).toHaveLength(1);
  });

  it('sweeps every minute by default', async () => {
    const { hookdesk, rules, storage, clock } = await harness();
    const rule = await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    await clock.advance(2 * HOUR);
    await settle();
    expect(await triggered(storage, rule.id)).toEqual([]);
    await clock.advance(2 * 60_000);
    await until(async () => (await triggered(storage, rule.id)).length === 1, 'the default sweep');
  });
});
