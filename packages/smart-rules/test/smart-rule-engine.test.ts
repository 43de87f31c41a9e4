import { createHmac } from 'node:crypto';
import { NotFoundError, ValidationError } from '@hookdesk/core';
import { settle, until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { SMART_RULE_KEYS } from '../src/storage/smart-rule-keys.js';
import { harness, receiver } from './support/setup.js';

const HOUR = 3_600_000;
const urgent = { all: [{ field: 'priority', op: 'is', value: 'urgent' }] };
/** Open for more than 2 calendar hours since created. */
const openOver2h = {
  all: [
    { field: 'status', op: 'is', value: 'open' },
    { time: 'since_created', op: 'gt', hours: 2, clock: 'calendar' },
  ],
};

async function triggered(storage: Awaited<ReturnType<typeof harness>>['storage'], ruleId: string) {
  return storage.log.uuids({ ruleId }, 1000);
}

describe('smart rules: admin methods', () => {
  it('creates, reads, lists, edits and deletes rules in the docs/admin-api.md shape', async () => {
    const { rules, clock } = await harness();
    const created = await rules.create({
      name: '  Urgent tickets ',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/rules' },
    });
    expect(Object.keys(created).sort()).toEqual(
      [
        'action',
        'active',
        'categories',
        'conditions',
        'createdAt',
        'description',
        'id',
        'name',
        'updatedAt',
        'workSchedule',
      ].sort(),
    );
    expect(created).toMatchObject({
      name: 'Urgent tickets',
      description: null,
      active: true,
      categories: [],
      workSchedule: null,
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/rules' },
      createdAt: '2026-11-28T08:00:00.000Z',
    });
    expect(await rules.get(created.id)).toEqual(created);
    expect(await rules.list()).toEqual([created]);

    await clock.advance(1000);
    const schedule = { timeZone: 'Europe/Berlin', hours: { mon: [['09:00', '17:00']] } };
    const edited = await rules.update(created.id, { active: false, workSchedule: schedule });
    expect(edited).toMatchObject({ active: false, name: 'Urgent tickets', createdAt: created.createdAt });
    expect(edited.updatedAt).toBe('2026-11-28T08:00:01.000Z');
    expect(edited.workSchedule).toMatchObject({ timeZone: 'Europe/Berlin', holidays: [] });
    // null is a value (around the clock), not "leave as it is".
    expect((await rules.update(created.id, { workSchedule: null })).workSchedule).toBeNull();

    await rules.delete(created.id);
    expect(await rules.list()).toEqual([]);
    await expect(rules.get(created.id)).rejects.toThrow(NotFoundError);
    await expect(rules.get(created.id)).rejects.toThrow(/No smart rule has the id/);
    await expect(rules.update(created.id, { active: true })).rejects.toThrow(NotFoundError);
    await expect(rules.delete(created.id)).rejects.toThrow(NotFoundError);
    await expect(rules.preview('nope')).rejects.toThrow(NotFoundError);
  });

  it('refuses invalid bodies and private action URLs with a 422 ValidationError', async () => {
    const { rules } = await harness();
    const invalid = await rules
      .create({ name: 'x', conditions: { all: [] }, action: { type: 'email', url: 'x' } })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).status).toBe(422);
    const blocked = await rules
      .create({
        name: 'x',
        conditions: urgent,
        action: { type: 'trigger_webhook', url: 'http://10.1.2.3/hook' },
      })
      .catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(ValidationError);
    expect((blocked as ValidationError).message).toMatch(/private or local addresses.*allowPrivateNetworks/);
    expect((blocked as ValidationError).details).toEqual([
      { path: 'action.url', message: expect.any(String) },
    ]);
    const rule = await rules.create({
      name: 'ok',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/a' },
    });
    await expect(
      rules.update(rule.id, { action: { type: 'trigger_webhook', url: 'http://192.168.0.1/' } }),
    ).rejects.toThrow(ValidationError);
    await expect(rules.update(rule.id, { colour: 'red' })).rejects.toThrow(/not a smart-rule field/);
    expect(await rules.get(rule.id)).toEqual(rule);
  });
});

describe('smart rules: firing on ticket events', () => {
  it('sends one signed smart_rule.triggered per time the ticket comes to match, and re-arms', async () => {
    const { hookdesk, rules, storage } = await harness();
    const r = await receiver();
    const rule = await rules.create({
      name: 'Urgent',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: `${r.url}/rule` },
    });
    expect(await hookdesk.ticketCreated({ id: 7, subject: 'Printer ☃', priority: 'low' })).toEqual([]);
    const [uuid] = await hookdesk.ticketUpdated(
      { id: 7, subject: 'Printer ☃', priority: 'urgent' },
      { previous: { id: 7, subject: 'Printer ☃', priority: 'low' } },
    );
    expect(uuid).toEqual(expect.any(String));
    const [request] = await r.waitForRequests(1);
    const body = JSON.parse(request?.body.toString('utf8') ?? '');
    expect(body).toEqual({
      uuid,
      event: 'smart_rule.triggered',
      created_at: '2026-11-28T08:00:00.000Z',
      ticket: { id: 7, subject: 'Printer ☃', priority: 'urgent' },
      smart_rule: { id: rule.id, name: 'Urgent' },
    });
    expect(request?.path).toBe(new URL(`${r.url}/rule`).pathname);
    expect(request?.headers['x-hookdesk-event']).toBe('smart_rule.triggered');
    const { key } = await hookdesk.revealKey();
    expect(request?.headers['x-hookdesk-signature']).toBe(
      `sha1=${createHmac('sha1', key)
        .update(request?.body ?? '')
        .digest('hex')}`,
    );
    expect(await storage.log.get(uuid as string)).toMatchObject({ ruleId: rule.id, webhookId: null });
    await until(async () => (await storage.log.get(uuid as string))?.status === 'succeeded', 'the delivery');

    // Still matching: nothing more. Stops matching: re-armed. Matches again: fires again.
    expect(await hookdesk.ticketUpdated({ id: 7, priority: 'urgent', note: 'more' })).toEqual([]);
    expect(await storage.ruleFirings.has(rule.id, '7')).toBe(true);
    expect(await hookdesk.ticketUpdated({ id: 7, priority: 'low' })).toEqual([]);
    expect(await storage.ruleFirings.has(rule.id, '7')).toBe(false);
    expect(await hookdesk.ticketUpdated({ id: 7, priority: 'urgent' })).toHaveLength(1);
    await r.waitForRequests(2);
    expect(await triggered(storage, rule.id)).toHaveLength(2);
    // Resendable like any delivery.
    expect(await hookdesk.resend({ ids: [uuid as string] })).toEqual([{ uuid, status: 'queued' }]);
    await r.waitForRequests(3);
  });

  it('fires a change-condition rule once per event carrying the change, and honours categories', async () => {
    const { hookdesk, rules, storage } = await harness();
    const r = await receiver();
    const rule = await rules.create({
      name: 'Back to pending',
      categories: ['billing'],
      conditions: { all: [{ field: 'status', op: 'changed_to', value: 'pending' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    const t = (status: string, category = 'billing') => ({ id: 'T-1', status, category });
    await hookdesk.ticketCreated(t('open'));
    expect(await hookdesk.ticketUpdated(t('pending'), { previous: t('open') })).toHaveLength(1);
    expect(await hookdesk.ticketUpdated(t('pending'), { previous: t('pending') })).toEqual([]);
    expect(await hookdesk.ticketUpdated(t('open'), { previous: t('pending') })).toEqual([]);
    expect(await hookdesk.ticketUpdated(t('pending'), { previous: t('open') })).toHaveLength(1);
    expect(await hookdesk.ticketUpdated(t('open', 'sales'), { previous: t('pending', 'sales') })).toEqual([]);
    expect(await hookdesk.ticketUpdated(t('pending', 'sales'), { previous: t('open', 'sales') })).toEqual([]);
    expect(await triggered(storage, rule.id)).toHaveLength(2);
  });

  it('sends nothing for an inactive rule, and deactivation in another engine stops it at once', async () => {
    const a = await harness();
    const r = await receiver();
    const inactive = await a.rules.create({
      name: 'Off',
      active: false,
      conditions: urgent,
      action: { type: 'trigger_webhook', url: r.url },
    });
    const rule = await a.rules.create({
      name: 'On',
      conditions: { all: [{ field: 'status', op: 'is', value: 'open' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    // Engine a has the rules in memory now.
    await a.hookdesk.ticketCreated({ id: 1, status: 'new', priority: 'urgent' });
    // A second engine on the same storage deactivates the rule.
    const b = await harness({ storage: a.storage, clock: a.clock });
    await b.rules.update(rule.id, { active: false });
    expect(await a.hookdesk.ticketUpdated({ id: 1, status: 'open', priority: 'urgent' })).toEqual([]);
    expect(await triggered(a.storage, rule.id)).toEqual([]);
    expect(await triggered(a.storage, inactive.id)).toEqual([]);
    expect(r.requests).toHaveLength(0);
  });

  it('creates nothing while the global switch is off, and does not make it up later', async () => {
    const { hookdesk, rules, storage } = await harness();
    const rule = await rules.create({
      name: 'Urgent',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.setActive(false);
    expect(await hookdesk.ticketCreated({ id: 1, priority: 'urgent' })).toEqual([]);
    await hookdesk.setActive(true);
    expect(await hookdesk.ticketUpdated({ id: 1, priority: 'urgent' })).toEqual([]);
    expect((await rules.sweep()).fired).toBe(0);
    expect(await triggered(storage, rule.id)).toEqual([]);
    // A new transition after the switch is back on fires as usual.
    await hookdesk.ticketUpdated({ id: 1, priority: 'low' });
    expect(await hookdesk.ticketUpdated({ id: 1, priority: 'urgent' })).toHaveLength(1);
  });

  it('deleting a rule forgets whom it fired for', async () => {
    const { hookdesk, rules, storage } = await harness();
    const rule = await rules.create({
      name: 'Urgent',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, priority: 'urgent' });
    expect(await storage.ruleFirings.has(rule.id, '1')).toBe(true);
    await rules.delete(rule.id);
    expect(await storage.ruleFirings.has(rule.id, '1')).toBe(false);
    // The ticket's copy loses the id on its next write.
    await hookdesk.ticketUpdated({ id: 1, priority: 'urgent' });
    expect((await storage.tickets.get('1'))?.firedRules).toEqual([]);
  });
});

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

  it('skips a stored rule that no longer parses, logs why, and still runs the others', async () => {
    const errors: unknown[][] = [];
    const noop = () => {};
    const { hookdesk, rules, storage } = await harness({
      logger: { debug: noop, info: noop, warn: noop, error: (...args: unknown[]) => errors.push(args) },
    });
    const good = await rules.create({
      name: 'Urgent',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    const stored = await storage.smartRules.get(good.id);
    await storage.smartRules.put({
      ...(stored as NonNullable<typeof stored>),
      id: 'broken',
      conditions: { all: [{ field: 'priority', op: 'resembles', value: 'urgent' }] },
    });
    expect(await hookdesk.ticketCreated({ id: 1, priority: 'urgent' })).toHaveLength(1);
    expect(await triggered(storage, good.id)).toHaveLength(1);
    expect(errors).toEqual([
      [
        expect.objectContaining({ ruleId: 'broken', problem: expect.stringContaining('conditions') }),
        expect.stringMatching(/not valid/),
      ],
    ]);
    await expect(rules.preview('broken')).rejects.toThrow(/PATCH it with valid conditions/);
  });

  it('decides on the latest ticket state, not on the page the sweep read before an event', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ sweepIntervalMs: 0 });
    const rule = await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    const stale: Awaited<ReturnType<typeof storage.tickets.get>>[] = [await storage.tickets.get('1')];
    await clock.advance(HOUR);
    await hookdesk.ticketUpdated({ id: 1, status: 'solved' });
    await clock.advance(2 * HOUR);
    // The sweep's page holds the ticket as it was before the update (an event raced the page read).
    storage.tickets.pages = async function* () {
      yield stale as NonNullable<(typeof stale)[number]>[];
    };
    expect(await rules.sweep()).toMatchObject({ tickets: 1, fired: 0 });
    expect(await triggered(storage, rule.id)).toEqual([]);
  });

  it('keeps a ticket update another process writes while the sweep claims and records', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ sweepIntervalMs: 0 });
    const rule = await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    await clock.advance(3 * HOUR);
    const claim = storage.ruleFirings.claim.bind(storage.ruleFirings);
    storage.ruleFirings.claim = async (ruleId, ticketId) => {
      // Another process records an event for the ticket right now.
      const state = await storage.tickets.get(ticketId);
      await storage.tickets.put({
        ...(state as NonNullable<typeof state>),
        ticket: { id: 1, status: 'open', note: 'B' },
      });
      return claim(ruleId, ticketId);
    };
    expect(await rules.sweep()).toMatchObject({ fired: 1 });
    expect(await storage.tickets.get('1')).toMatchObject({
      ticket: { id: 1, status: 'open', note: 'B' },
      firedRules: [rule.id],
    });
  });

  it('sweeps past a corrupt ticket state, logging it', async () => {
    const errors: unknown[][] = [];
    const noop = () => {};
    const { hookdesk, rules, storage, clock } = await harness({
      sweepIntervalMs: 0,
      logger: { debug: noop, info: noop, warn: noop, error: (...args: unknown[]) => errors.push(args) },
    });
    const rule = await rules.create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    await hookdesk.ticketCreated({ id: 2, status: 'open' });
    await storage.keyv.set(SMART_RULE_KEYS.ticketState('1'), { id: '1', createdAt: 'yesterday' });
    await clock.advance(3 * HOUR);
    expect(await rules.sweep()).toMatchObject({ tickets: 1, fired: 1 });
    expect(await triggered(storage, rule.id)).toHaveLength(1);
    expect(errors).toEqual([
      [expect.objectContaining({ err: expect.any(Error) }), expect.stringMatching(/corrupt/)],
    ]);
  });

  it('refuses bad smart-rule options with a TypeError naming the option', async () => {
    await expect(harness({ sweepIntervalMs: -1 })).rejects.toThrow(
      /`sweepIntervalMs` must be a non-negative integer/,
    );
    await expect(harness({ sweepPageSize: 0 })).rejects.toThrow(/`sweepPageSize` must be a positive integer/);
    await expect(harness({ closedStatuses: 'closed' as never })).rejects.toThrow(/`closedStatuses`/);
    await expect(harness({ ticketSource: 42 as never })).rejects.toThrow(/`ticketSource`/);
  });
});
