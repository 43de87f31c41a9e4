import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hookdesk } from '@hookdesk/core';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import { describeWithService, FakeClock, REDIS_URL, tidyOnClose } from '@hookdesk/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { createRulesHookdesk, rulesOf, withRuleRepositories } from './support/setup.js';

const HOUR = 3_600_000;
const openOver2h = {
  all: [
    { field: 'status', op: 'is', value: 'open' },
    { time: 'since_created', op: 'gt', hours: 2, clock: 'calendar' },
  ],
};

function engine(storage: HookdeskStorage, clock: FakeClock): Hookdesk {
  // `process: false`: these tests count what is recorded; no delivery needs to go out.
  return createRulesHookdesk({ storage, clock, process: false, sweepIntervalMs: 0, pollIntervalMs: HOUR });
}

const dir = mkdtempSync(join(tmpdir(), 'hookdesk-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('smart rules across a restart on the embedded store', () => {
  it('fires nothing again after a restart, even if a ticket lost its copy of what fired', async () => {
    const path = join(dir, 'restart');
    const clock = new FakeClock();
    const first = await createStorage({ path, purgeIntervalMs: 0 });
    const before = engine(first, clock);
    const timed = await rulesOf(before).create({
      name: 'Open over 2h',
      conditions: openOver2h,
      action: { type: 'trigger_webhook', url: 'https://example.com/timed' },
    });
    const urgent = await rulesOf(before).create({
      name: 'Urgent',
      conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
      action: { type: 'trigger_webhook', url: 'https://example.com/urgent' },
    });
    expect(await before.ticketCreated({ id: 1, status: 'open', priority: 'urgent' })).toHaveLength(1);
    await clock.advance(3 * HOUR);
    expect(await rulesOf(before).sweep()).toMatchObject({ tickets: 1, fired: 1 });
    await before.close();
    await first.close();

    const second = withRuleRepositories(await createStorage({ path, purgeIntervalMs: 0 }));
    const after = engine(second, clock);
    try {
      // The ticket's `firedRules` is a copy; the claims are the record that counts.
      const state = await second.tickets.get('1');
      expect(state?.firedRules).toEqual(expect.arrayContaining([timed.id, urgent.id]));
      await second.tickets.put({ ...(state as NonNullable<typeof state>), firedRules: [] });
      expect(await rulesOf(after).sweep()).toMatchObject({ tickets: 1, fired: 0 });
      expect(await after.ticketUpdated({ id: 1, status: 'open', priority: 'urgent' })).toEqual([]);
      expect(await second.log.uuids({ ruleId: timed.id }, 10)).toHaveLength(1);
      expect(await second.log.uuids({ ruleId: urgent.id }, 10)).toHaveLength(1);
      // Re-armed and matching again, it fires again: the claims were released, not stuck.
      await after.ticketUpdated({ id: 1, status: 'open', priority: 'low' });
      expect(await after.ticketUpdated({ id: 1, status: 'open', priority: 'urgent' })).toHaveLength(1);
    } finally {
      await after.close();
      await second.close();
    }
  });
});

const describeRedis = await describeWithService('redis', describe);

describeRedis('smart rules with two engines on one Redis store', () => {
  it('fires each ticket once when both are asked to sweep the same tickets at once', async () => {
    const namespace = `hookdesk-rules-${randomUUID()}`;
    const clock = new FakeClock();
    const storages = [
      tidyOnClose(await createStorage({ store: REDIS_URL, namespace, purgeIntervalMs: 0 })),
      await createStorage({ store: REDIS_URL, namespace, purgeIntervalMs: 0 }),
    ];
    const [a, b] = storages.map((s) => engine(s, clock)) as [Hookdesk, Hookdesk];
    try {
      const rule = await rulesOf(a).create({
        name: 'Open over 2h',
        conditions: openOver2h,
        action: { type: 'trigger_webhook', url: 'https://example.com/timed' },
      });
      const TICKETS = 40;
      for (let i = 0; i < TICKETS; i++) await (i % 2 ? a : b).ticketCreated({ id: i, status: 'open' });
      await clock.advance(3 * HOUR);
      const results = await Promise.all([rulesOf(a).sweep(), rulesOf(b).sweep(), rulesOf(a).sweep()]);
      expect(results.reduce((sum, r) => sum + r.fired, 0)).toBe(TICKETS);
      const uuids = await storages[1]!.log.uuids({ ruleId: rule.id }, 1000);
      expect(uuids).toHaveLength(TICKETS);
      const ids = await Promise.all(
        uuids.map(async (uuid) => JSON.parse((await storages[1]!.log.get(uuid))?.body ?? '').ticket.id),
      );
      expect(new Set(ids).size).toBe(TICKETS);
      expect((await rulesOf(b).sweep()).fired).toBe(0);
    } finally {
      await a.close();
      await b.close();
      await storages[1]!.close();
      await storages[0]!.close();
    }
  }, 30_000);
});
