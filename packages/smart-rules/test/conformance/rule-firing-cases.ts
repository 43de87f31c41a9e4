// Conformance cases for the fire-once claims and the firing intents that make them crash-safe.
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { BASE, HOUR, type RuleStorage } from './rule-storage-records.js';

/** The firing cases; `current` returns the test's fresh storage with the rules' repositories. */
export function ruleFiringCases(test: ConformanceTestApi, current: () => RuleStorage): void {
  const { describe, it, expect } = test;
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
