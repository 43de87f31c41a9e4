import { CorruptRecordError, type HookdeskStorage } from '@hookdesk/storage';
import { entityRepositoryCases } from '@hookdesk/storage-conformance';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { SMART_RULE_KEYS } from '../../src/storage/smart-rule-keys.js';
import type { SmartRuleRecord } from '../../src/storage/smart-rule-record.js';
import { type SmartRuleStorage, smartRuleStorage } from '../../src/storage/smart-rule-storage.js';
import type { TicketStateRecord } from '../../src/storage/ticket-state-repository.js';

/** The test's storage with the rules' repositories beside the engine's. */
type RuleStorage = HookdeskStorage & SmartRuleStorage;

const BASE = Date.parse('2026-11-01T00:00:00.000Z');
const HOUR = 3_600_000;

export function makeTicketState(id: string, overrides: Partial<TicketStateRecord> = {}): TicketStateRecord {
  return {
    id,
    ticket: { id, subject: `Ticket ${id} ☃`, status: 'open', priority: 'urgent' },
    createdAt: BASE,
    updatedAt: BASE + HOUR,
    statusChangedAt: BASE,
    dueAt: null,
    closedAt: null,
    firedRules: [],
    ...overrides,
  };
}

async function allPages(storage: RuleStorage, pageSize: number): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of storage.tickets.pages(pageSize)) pages.push(page.map((t) => t.id));
  return pages;
}

const minutes = (n: number) => new Date(BASE + n * 60_000).toISOString();

export function makeSmartRule(
  id: string,
  at: number,
  overrides: Partial<SmartRuleRecord> = {},
): SmartRuleRecord {
  return {
    id,
    name: `Rule ${id}`,
    description: null,
    active: true,
    categories: [],
    workSchedule: null,
    conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
    action: { type: 'trigger_webhook', url: `https://example.com/rules/${id}` },
    createdAt: minutes(at),
    updatedAt: minutes(at),
    ...overrides,
  };
}

/**
 * The smart-rule storage conformance cases: the rules themselves, ticket states (paged open
 * tickets, retention of closed ones) and the fire-once claims, on the repositories smart rules
 * build on `storage.records` and `storage.index`. `storage` returns the test's fresh storage.
 */
export function smartRuleStorageCases(test: ConformanceTestApi, storage: () => HookdeskStorage): void {
  const { describe, it, expect } = test;
  const current = (): RuleStorage => {
    const s = storage();
    return { ...s, ...smartRuleStorage(s) } as RuleStorage;
  };

  entityRepositoryCases(test, {
    name: 'smartRules',
    storage,
    repo: () => smartRuleStorage(storage()).smartRules,
    make: makeSmartRule,
    keyOf: SMART_RULE_KEYS.smartRule,
  });

  describe('ticket states', () => {
    it('reads back what was put, and pages through open tickets once each, in id order', async () => {
      const storage = current();
      // Ids that need encoding, and numbers as strings, must come back as they went in.
      const ids = ['10', '2', 'a b', 'ä/1', 'x:y', 'z%41', '1', '3'];
      for (const id of ids) await storage.tickets.put(makeTicketState(id));
      const state = makeTicketState('2', { firedRules: ['r1', 'r2'], dueAt: BASE + 5 * HOUR });
      await storage.tickets.put(state);
      expect(await storage.tickets.get('2')).toEqual(state);
      expect(await storage.tickets.get('missing')).toBeUndefined();
      expect(await storage.tickets.countOpen()).toBe(ids.length);
      for (const size of [1, 3, 8, 100]) {
        const pages = await allPages(storage, size);
        expect(pages.every((p) => p.length <= size)).toBe(true);
        expect(pages.flat().sort()).toEqual([...ids].sort());
      }
      expect((await allPages(storage, 3)).flat()).toEqual(
        ids
          .map((id) => encodeURIComponent(id))
          .sort()
          .map((m) => decodeURIComponent(m)),
      );
      await expect(allPages(storage, 0)).rejects.toThrow(/`pageSize` must be a positive integer/);
    });

    it('drops a closed or deleted ticket from the pages, and lists a reopened one again', async () => {
      const storage = current();
      for (const id of ['a', 'b', 'c']) await storage.tickets.put(makeTicketState(id));
      await storage.tickets.put(makeTicketState('b', { closedAt: BASE + HOUR }));
      await storage.tickets.delete('c');
      expect((await allPages(storage, 10)).flat()).toEqual(['a']);
      expect(await storage.tickets.countOpen()).toBe(1);
      expect(await storage.tickets.get('c')).toBeUndefined();
      expect((await storage.tickets.get('b'))?.closedAt).toBe(BASE + HOUR);
      await storage.tickets.put(makeTicketState('b'));
      expect((await allPages(storage, 10)).flat()).toEqual(['a', 'b']);
    });

    it('purges tickets closed before a time, keeps later and reopened ones, and a corrupt one goes', async () => {
      const storage = current();
      await storage.tickets.put(makeTicketState('old', { closedAt: BASE }));
      await storage.tickets.put(makeTicketState('new', { closedAt: BASE + 10 * HOUR }));
      await storage.tickets.put(makeTicketState('reopened', { closedAt: BASE }));
      await storage.tickets.put(makeTicketState('reopened'));
      await storage.tickets.put(makeTicketState('bad', { closedAt: BASE + HOUR }));
      await storage.keyv.set(SMART_RULE_KEYS.ticketState('bad'), { id: 'bad', closedAt: 'yesterday' });
      expect(await storage.tickets.purgeClosed(BASE + 5 * HOUR)).toBe(2);
      expect(await storage.tickets.get('old')).toBeUndefined();
      expect(await storage.keyv.get(SMART_RULE_KEYS.ticketState('bad'))).toBeUndefined();
      expect((await storage.tickets.get('new'))?.closedAt).toBe(BASE + 10 * HOUR);
      expect((await storage.tickets.get('reopened'))?.closedAt).toBeNull();
      expect((await allPages(storage, 10)).flat()).toEqual(['reopened']);
      expect(await storage.tickets.purgeClosed(BASE + 5 * HOUR)).toBe(0);
      expect(await storage.tickets.purgeClosed(BASE + 11 * HOUR)).toBe(1);
      expect(await storage.tickets.get('new')).toBeUndefined();
    });

    it('rejects a corrupt state with a CorruptRecordError naming the key, on get and in pages', async () => {
      const storage = current();
      await storage.tickets.put(makeTicketState('t1'));
      await storage.keyv.set(SMART_RULE_KEYS.ticketState('t1'), { id: 't1', createdAt: 'monday' });
      const error = await storage.tickets.get('t1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as Error).message).toContain(SMART_RULE_KEYS.ticketState('t1'));
      await expect(allPages(storage, 10)).rejects.toBeInstanceOf(CorruptRecordError);
      // With `onCorrupt`, the bad one is reported and the rest are listed.
      await storage.tickets.put(makeTicketState('t2'));
      const reported: CorruptRecordError[] = [];
      const listed: string[] = [];
      for await (const page of storage.tickets.pages(1, { onCorrupt: (e) => reported.push(e) })) {
        listed.push(...page.map((t) => t.id));
      }
      expect(listed).toEqual(['t2']);
      expect(reported.map((e) => e.message)).toEqual([
        expect.stringContaining(SMART_RULE_KEYS.ticketState('t1')),
      ]);
    });

    it('refuses an invalid state and writes nothing', async () => {
      const storage = current();
      const bad = { ...makeTicketState('t1'), createdAt: Number.NaN };
      await expect(storage.tickets.put(bad)).rejects.toThrow(/Refusing to store an invalid ticket state/);
      expect(await storage.tickets.get('t1')).toBeUndefined();
      expect(await storage.tickets.countOpen()).toBe(0);
    });
  });

  describe('smart-rule firings', () => {
    it('claims once until released, per rule and ticket', async () => {
      const storage = current();
      const { ruleFirings } = storage;
      expect(await ruleFirings.has('r1', '42')).toBe(false);
      expect(await ruleFirings.claim('r1', '42')).toBe(true);
      expect(await ruleFirings.claim('r1', '42')).toBe(false);
      expect(await ruleFirings.has('r1', '42')).toBe(true);
      expect(await ruleFirings.has('r1', '4')).toBe(false);
      expect(await ruleFirings.claim('r2', '42')).toBe(true);
      expect(await ruleFirings.claim('r1', 'a b/ä')).toBe(true);
      await ruleFirings.release('r1', '42');
      expect(await ruleFirings.has('r1', '42')).toBe(false);
      expect(await ruleFirings.claim('r1', '42')).toBe(true);
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const storage = current();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => storage.ruleFirings.claim('race', 't1')),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("releases every firing of a deleted rule, and only that rule's", async () => {
      const storage = current();
      for (let i = 0; i < 7; i++) await storage.ruleFirings.claim('gone', `t${i}`);
      await storage.ruleFirings.claim('kept', 't1');
      expect(await storage.ruleFirings.releaseRule('gone')).toBe(7);
      expect(await storage.ruleFirings.has('gone', 't3')).toBe(false);
      expect(await storage.ruleFirings.claim('gone', 't3')).toBe(true);
      expect(await storage.ruleFirings.has('kept', 't1')).toBe(true);
      expect(await storage.ruleFirings.releaseRule('never')).toBe(0);
    });

    it('keeps the firing id a claim was made with as its holder, until released', async () => {
      const { ruleFirings } = current();
      expect(await ruleFirings.holder('r1', '42')).toBeUndefined();
      expect(await ruleFirings.claim('r1', '42', 'firing-a')).toBe(true);
      expect(await ruleFirings.holder('r1', '42')).toBe('firing-a');
      // A losing claim changes nothing, with or without an id of its own.
      expect(await ruleFirings.claim('r1', '42', 'firing-b')).toBe(false);
      expect(await ruleFirings.claim('r1', '42')).toBe(false);
      expect(await ruleFirings.holder('r1', '42')).toBe('firing-a');
      // Per rule and ticket, ids that need encoding included.
      expect(await ruleFirings.claim('r1', 'a b/ä:1', 'firing-c')).toBe(true);
      expect(await ruleFirings.claim('r2', '42', 'firing-d')).toBe(true);
      expect(await ruleFirings.holder('r1', 'a b/ä:1')).toBe('firing-c');
      expect(await ruleFirings.holder('r2', '42')).toBe('firing-d');
      expect(await ruleFirings.holder('r1', '4')).toBeUndefined();
      // Released, the holder goes with the claim; the next claim brings its own.
      await ruleFirings.release('r1', '42');
      expect(await ruleFirings.holder('r1', '42')).toBeUndefined();
      expect(await ruleFirings.claim('r1', '42')).toBe(true);
      expect(await ruleFirings.holder('r1', '42')).toBeUndefined();
      await ruleFirings.release('r1', '42');
      expect(await ruleFirings.claim('r1', '42', 'firing-e')).toBe(true);
      expect(await ruleFirings.holder('r1', '42')).toBe('firing-e');
      // A deleted rule's claims lose their holders too.
      expect(await ruleFirings.releaseRule('r1')).toBe(2);
      expect(await ruleFirings.holder('r1', '42')).toBeUndefined();
      expect(await ruleFirings.holder('r1', 'a b/ä:1')).toBeUndefined();
      expect(await ruleFirings.holder('r2', '42')).toBe('firing-d');
      await expect(ruleFirings.claim('r3', '1', '')).rejects.toThrow(/`firingId` must be a non-empty string/);
      expect(await ruleFirings.has('r3', '1')).toBe(false);
    });

    it('lets exactly one of many concurrent claims win, and its firing id is the holder', async () => {
      const storage = current();
      const ids = Array.from({ length: 20 }, (_, i) => `firing-${i}`);
      const results = await Promise.all(ids.map((id) => storage.ruleFirings.claim('race', 't1', id)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await storage.ruleFirings.holder('race', 't1')).toBe(ids[results.indexOf(true)]);
    });
  });

  describe('smart-rule firing intents', () => {
    const intent = (firingId: string, at: number, ticketId = '42', ruleId = 'r1') => ({
      firingId,
      ruleId,
      ticketId,
      at,
    });

    it('lists intents written before a time, oldest first, as they were written', async () => {
      const { ruleFirings } = current();
      expect(await ruleFirings.intents(BASE + 10 * HOUR, 100)).toEqual([]);
      const late = intent('f-late', BASE + 2 * HOUR);
      // Ids that need encoding, a `:` among them, must come back as they went in.
      const odd = intent('f-odd', BASE + HOUR, 'a b/ä:1', 'rule:x%41');
      const early = intent('f-early', BASE);
      const tie = intent('f-tie', BASE);
      for (const i of [late, odd, early, tie]) await ruleFirings.addIntent(i);
      await ruleFirings.addIntent(early);
      expect(await ruleFirings.intents(BASE + 10 * HOUR, 100)).toEqual([early, tie, odd, late]);
      // `before` is exclusive; `limit` takes the oldest.
      expect(await ruleFirings.intents(BASE + HOUR, 100)).toEqual([early, tie]);
      expect(await ruleFirings.intents(BASE + HOUR + 1, 100)).toEqual([early, tie, odd]);
      expect(await ruleFirings.intents(BASE, 100)).toEqual([]);
      expect(await ruleFirings.intents(BASE + 10 * HOUR, 1)).toEqual([early]);
    });

    it('removes one intent at a time, and removing an absent one is a no-op', async () => {
      const { ruleFirings } = current();
      const a = intent('f-a', BASE);
      const b = intent('f-b', BASE + 1);
      await ruleFirings.addIntent(a);
      await ruleFirings.addIntent(b);
      await ruleFirings.removeIntent(a);
      await ruleFirings.removeIntent(a);
      await ruleFirings.removeIntent(intent('f-never', BASE));
      expect(await ruleFirings.intents(BASE + HOUR, 100)).toEqual([b]);
      // Intents are their own records: claims and releases leave them alone.
      expect(await ruleFirings.claim('r1', '42', 'f-b')).toBe(true);
      await ruleFirings.release('r1', '42');
      expect(await ruleFirings.releaseRule('r1')).toBe(0);
      expect(await ruleFirings.intents(BASE + HOUR, 100)).toEqual([b]);
      await ruleFirings.removeIntent(b);
      expect(await ruleFirings.intents(BASE + HOUR, 100)).toEqual([]);
    });

    it('refuses an intent without a firing id or with a time storage cannot order', async () => {
      const { ruleFirings } = current();
      await expect(ruleFirings.addIntent(intent('', BASE))).rejects.toThrow(
        /`firingId` must be a non-empty string/,
      );
      await expect(ruleFirings.addIntent(intent('f', -1))).rejects.toThrow(RangeError);
      expect(await ruleFirings.intents(BASE + HOUR, 100)).toEqual([]);
    });
  });
}

/**
 * The smart-rule storage cases against one backend, as `storageConformanceSuite` runs the engine's:
 * `factory` opens a fresh, empty storage (a unique namespace per call) for each test.
 */
export function smartRuleStorageSuite(
  test: ConformanceTestApi,
  factory: () => Promise<HookdeskStorage>,
  options: { name: string },
): void {
  const { describe, beforeEach, afterEach } = test;
  describe(`smart-rule storage conformance: ${options.name}`, () => {
    let storage: HookdeskStorage;
    beforeEach(async () => {
      storage = await factory();
    });
    afterEach(async () => {
      await storage.close();
    });
    smartRuleStorageCases(test, () => storage);
  });
}
