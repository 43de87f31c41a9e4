import { describe, expect, it } from 'vitest';
import { SMART_RULE_KEYS } from '../src/storage/smart-rule-keys.js';
import { HOUR, openOver2h, triggered, urgent } from './support/rule-fixtures.js';
import { harness } from './support/setup.js';

describe('smart rules: sweeps', () => {
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
