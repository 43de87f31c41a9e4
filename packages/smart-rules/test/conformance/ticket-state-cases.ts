// Conformance cases for ticket states: paged open tickets, retention of closed ones.
import { CorruptRecordError } from '@hookdesk/storage';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { SMART_RULE_KEYS } from '../../src/storage/smart-rule-keys.js';
import { BASE, HOUR, makeTicketState, type RuleStorage } from './rule-storage-records.js';

async function allPages(storage: RuleStorage, pageSize: number): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of storage.tickets.pages(pageSize)) pages.push(page.map((t) => t.id));
  return pages;
}

/** The ticket-state cases; `current` returns the test's fresh storage with the rules' repositories. */
export function ticketStateCases(test: ConformanceTestApi, current: () => RuleStorage): void {
  const { describe, it, expect } = test;
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
}
