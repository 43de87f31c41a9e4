import {
  CorruptRecordError,
  type OrderedIndex,
  parseSortKey,
  type RecordStore,
  sortKey,
  timePrefix,
  validInput,
  writeInOrder,
} from '@hookdesk/storage';
import { z } from 'zod';
import { SMART_RULE_KEYS, SMART_RULE_SETS } from './smart-rule-keys.js';

/**
 * What Hookdesk keeps of one ticket for smart rules (`TicketState`): the latest ticket JSON,
 * the instants time conditions count from (epoch ms, or `null`), and the rules that fired for it.
 */
export interface TicketStateRecord {
  /** The ticket's id as a string. */
  id: string;
  /** The latest ticket JSON the host gave. */
  ticket: unknown;
  createdAt: number | null;
  updatedAt: number | null;
  statusChangedAt: number | null;
  dueAt: number | null;
  /** When the ticket was seen closing, or `null` while it is open. */
  closedAt: number | null;
  /** Ids of the rules that fired and have not re-armed (a copy; the rule-firing claims decide). */
  firedRules: readonly string[];
}

const instant = z.number().finite().nullable();

export const ticketStateSchema = z.looseObject({
  id: z.string().min(1),
  ticket: z.unknown(),
  createdAt: instant,
  updatedAt: instant,
  statusChangedAt: instant,
  dueAt: instant,
  closedAt: z.number().int().nonnegative().nullable(),
  firedRules: z.array(z.string()),
}) as unknown as z.ZodType<TicketStateRecord>;

/** Tickets read per index page when purging closed tickets. */
const PURGE_PAGE = 500;

/**
 * Every method rejects with a `StorageError` when the store is unreachable and with a
 * `CorruptRecordError` (naming the key) when a stored state fails validation.
 */
export interface TicketStateRepository {
  get(id: string): Promise<TicketStateRecord | undefined>;
  /**
   * Creates or replaces. An open ticket (`closedAt: null`) is listed by `pages`; a closed one leaves
   * that listing and is removed by `purgeClosed` once closed long enough.
   */
  put(state: TicketStateRecord): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * The open tickets, a page of at most `pageSize` at a time in id byte order: each page is one
   * index range read and one multi-get, O(page), so a sweep never scans the store. A corrupt state
   * rejects with its `CorruptRecordError`, unless `onCorrupt` is given: then it is handed there and
   * skipped, so one bad record cannot stop every sweep.
   */
  pages(
    pageSize: number,
    options?: { onCorrupt?: (error: CorruptRecordError) => void },
  ): AsyncIterable<TicketStateRecord[]>;
  /** How many tickets are open. */
  countOpen(): Promise<number>;
  /** Removes the tickets closed before `before` (epoch ms); returns how many. */
  purgeClosed(before: number): Promise<number>;
}

export function ticketStateRepository(records: RecordStore, index: OrderedIndex): TicketStateRepository {
  const key = SMART_RULE_KEYS.ticketState;
  const member = (id: string) => encodeURIComponent(id);
  return {
    get: (id) => records.read(key(id), ticketStateSchema),

    async put(state) {
      validInput(ticketStateSchema, state, 'ticket state');
      const open = { set: SMART_RULE_SETS.ticketsOpen, member: member(state.id) };
      const writeRecord = () => records.write([{ key: key(state.id), value: state }]);
      const writeIndex = () =>
        index.update(
          state.closedAt === null
            ? { add: [open] }
            : {
                add: [
                  { set: SMART_RULE_SETS.ticketsClosed, member: sortKey(state.closedAt, member(state.id)) },
                ],
                remove: [open],
              },
        );
      // The record before its index entries: a crash in between leaves a ticket unlisted until its
      // next event, never a listed id without a record.
      await writeInOrder(index, writeRecord, writeIndex);
      // A reopened ticket's old closed entry stays until `purgeClosed` meets it and sees the record
      // open: cheaper than reading the previous state on every put.
    },

    async delete(id) {
      await index.update({ remove: [{ set: SMART_RULE_SETS.ticketsOpen, member: member(id) }] });
      await records.remove(key(id));
    },

    async *pages(pageSize, options = {}) {
      if (!Number.isInteger(pageSize) || pageSize < 1) {
        throw new TypeError(`\`pageSize\` must be a positive integer, got ${String(pageSize)}.`);
      }
      let after: string | undefined;
      for (;;) {
        // `from` is inclusive, so the last member of the previous page is read again and skipped.
        const ids = await index.range(SMART_RULE_SETS.ticketsOpen, {
          from: after,
          limit: after === undefined ? pageSize : pageSize + 1,
          order: 'asc',
        });
        const fresh = after === undefined || ids[0] !== after ? ids : ids.slice(1);
        if (fresh.length === 0) return;
        after = fresh[fresh.length - 1];
        const states = await records.readManySettled(
          fresh.map((m) => key(decodeURIComponent(m))),
          ticketStateSchema,
        );
        const page: TicketStateRecord[] = [];
        for (const state of states) {
          if (state instanceof CorruptRecordError) {
            if (!options.onCorrupt) throw state;
            options.onCorrupt(state);
          } else if (state !== undefined && state.closedAt === null) page.push(state);
          // Missing: deleted since the range read (or a crash between record and index); skipped.
        }
        if (page.length > 0) yield page;
        if (fresh.length < pageSize) return;
      }
    },

    countOpen: () => index.count(SMART_RULE_SETS.ticketsOpen),

    async purgeClosed(before) {
      const below = timePrefix(Math.max(0, Math.floor(before)));
      let removed = 0;
      for (;;) {
        const members = await index.range(SMART_RULE_SETS.ticketsClosed, {
          below,
          limit: PURGE_PAGE,
          order: 'asc',
        });
        if (members.length === 0) return removed;
        const ids = members.map((m) => decodeURIComponent(parseSortKey(m)?.id ?? ''));
        const states = await records.readManySettled(ids.map(key), ticketStateSchema);
        const gone: string[] = [];
        for (const [at, state] of states.entries()) {
          const closedAt = parseSortKey(members[at] as string)?.ms;
          // Reopened (or closed again later, with a newer entry): only the stale entry goes.
          // A corrupt state goes too, instead of stopping every purge after it.
          if (state === undefined) continue;
          if (!(state instanceof CorruptRecordError) && state.closedAt !== closedAt) continue;
          gone.push(ids[at] as string);
        }
        await records.removeMany(gone.map(key));
        await index.update({
          remove: members.map((m) => ({ set: SMART_RULE_SETS.ticketsClosed, member: m })),
        });
        removed += gone.length;
      }
    },
  };
}
