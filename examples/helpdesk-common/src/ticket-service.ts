import { randomUUID } from 'node:crypto';
import type { Hookdesk } from '@hookdesk/core';
import type { Keyv } from 'keyv';
import { createTicketOutbox } from './ticket-outbox.js';

export type Ticket = Record<string, unknown> & { id: number; created_at: string; updated_at: string };

/** Input the example helpdesk refuses: answered 422 with the message. */
export class TicketInputError extends Error {
  readonly status = 422;
  readonly code = 'invalid_ticket';
}

export interface TicketChange {
  ticket: Ticket;
  previous: Ticket;
  /** The fields the request changed, `{ field: { old, new } }` (docs/wire.md `changes`). */
  changes: Record<string, { old: unknown; new: unknown }>;
}

/** Where the service records each ticket's event: Hookdesk (or anything with its two methods). */
export type TicketEvents = Pick<Hookdesk, 'ticketCreated' | 'ticketUpdated'>;

export interface TicketServiceOptions {
  now?: () => Date;
  /**
   * Told when an event could not be recorded after its ticket was saved (the store failed): the
   * request still succeeds, and the event stays in the outbox for the next start. Default: stderr.
   */
  onEventError?: (error: unknown, eventId: string) => void;
}

export interface TicketService {
  /** Saves a new ticket and records its `ticket.created`; resolves with the ticket once both are stored. */
  create(input: unknown): Promise<Ticket>;
  /** Saves the change and records its `ticket.updated`; `null` when there is no such ticket. */
  update(id: string, patch: unknown): Promise<TicketChange | null>;
  get(id: string): Promise<Ticket | null>;
  /**
   * Settles what a crash left in the outbox: records the event of each entry whose ticket write
   * happened, and drops those whose write did not. Run it at start, before taking requests.
   */
  recordUnfinished(): Promise<{ recorded: number; dropped: number }>;
}

/** An event written to the outbox before its ticket: the ticket as the write makes it. */
interface PendingEvent {
  eventId: string;
  event: 'ticket.created' | 'ticket.updated';
  ticket: Ticket;
  changes?: TicketChange['changes'];
}

/** Deepest nesting of objects and lists a ticket may have; JSON far deeper overflows the serializer. */
export const MAX_TICKET_DEPTH = 32;

const READ_ONLY = ['id', 'created_at', 'updated_at'];
const SEQUENCE_KEY = 'example:ticket-sequence';
const ticketKey = (id: number) => `example:ticket:${id}`;

/** Nesting depth of a parsed JSON value, walked without recursion (the input is what may be deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_TICKET_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function asObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TicketInputError('Send the ticket as a JSON object, e.g. {"subject": "Printer on fire"}.');
  }
  if (depthOf(input) > MAX_TICKET_DEPTH) {
    throw new TicketInputError(
      `The ticket nests objects and lists more than ${MAX_TICKET_DEPTH} levels deep; flatten it.`,
    );
  }
  for (const field of READ_ONLY) {
    if (field in input) throw new TicketInputError(`"${field}" is set by the helpdesk; leave it out.`);
  }
  const fields = input as Record<string, unknown>;
  for (const field of ['status', 'priority', 'category', 'assignee']) {
    if (fields[field] !== undefined && fields[field] !== null && typeof fields[field] !== 'string') {
      throw new TicketInputError(`"${field}" must be a string.`);
    }
  }
  if (
    fields.tags !== undefined &&
    !(Array.isArray(fields.tags) && fields.tags.every((t) => typeof t === 'string'))
  ) {
    throw new TicketInputError('"tags" must be a list of strings.');
  }
  if (
    fields.due_at !== undefined &&
    fields.due_at !== null &&
    Number.isNaN(Date.parse(String(fields.due_at)))
  ) {
    throw new TicketInputError('"due_at" must be an ISO 8601 time such as 2026-12-01T17:00:00Z.');
  }
  return fields;
}

function parseId(id: string): number | null {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : null;
}

/**
 * Tickets of the example helpdesks, kept in the same Keyv store as Hookdesk so they survive a
 * restart, each write with its event. Ids come from a stored sequence, so they never repeat; writes
 * are serialized in this process, which is all an example runs in.
 *
 * No ticket exists without its event, even if the process dies between the two (core's README,
 * "Recording events: the host's side"): an outbox entry naming the event is stored before the
 * ticket, the event is recorded with that entry's id as its `eventId`, and the entry is removed;
 * `recordUnfinished()` at the next start settles what a crash left. Recording an event twice under
 * one `eventId` records nothing new, so settling is safe whatever the crash interrupted.
 */
export function createTicketService(
  keyv: Keyv,
  events: TicketEvents,
  options: TicketServiceOptions = {},
): TicketService {
  const now = options.now ?? (() => new Date());
  const onEventError =
    options.onEventError ??
    ((error: unknown, eventId: string) =>
      console.error(
        `ticket event ${eventId} not recorded; it stays in the outbox for the next start:`,
        error,
      ));
  const outbox = createTicketOutbox<PendingEvent>(keyv);
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const record = (pending: PendingEvent): Promise<unknown> =>
    pending.event === 'ticket.created'
      ? events.ticketCreated(pending.ticket, {
          eventId: pending.eventId,
          createdAt: pending.ticket.created_at,
        })
      : events.ticketUpdated(pending.ticket, {
          changes: pending.changes ?? {},
          eventId: pending.eventId,
          createdAt: pending.ticket.updated_at,
        });

  // Recording runs outside the serialized writes: requests wait on each other's ticket writes only.
  const recordAndSettle = async (pending: PendingEvent): Promise<void> => {
    try {
      await record(pending);
      await outbox.remove(pending.eventId);
    } catch (error) {
      onEventError(error, pending.eventId);
    }
  };

  return {
    async create(input) {
      const fields = asObject(input);
      if (typeof fields.subject !== 'string' || fields.subject.trim() === '') {
        throw new TicketInputError('"subject" is required: give the ticket a short summary.');
      }
      const pending = await serialized(async () => {
        const id = ((await keyv.get<number>(SEQUENCE_KEY)) ?? 0) + 1;
        const at = now().toISOString();
        const ticket: Ticket = { ...fields, id, created_at: at, updated_at: at };
        const entry: PendingEvent = { eventId: randomUUID(), event: 'ticket.created', ticket };
        // Both before the ticket: its id is taken for good, and its event is known.
        await Promise.all([keyv.set(SEQUENCE_KEY, id), outbox.add(entry)]);
        await keyv.set(ticketKey(id), ticket);
        return entry;
      });
      await recordAndSettle(pending);
      return pending.ticket;
    },

    async update(id, patch) {
      const fields = asObject(patch);
      if ('subject' in fields && (typeof fields.subject !== 'string' || fields.subject.trim() === '')) {
        throw new TicketInputError('"subject" cannot be empty.');
      }
      const number = parseId(id);
      if (number === null) return null;
      const change = await serialized(async () => {
        const previous = await keyv.get<Ticket>(ticketKey(number));
        if (!previous) return null;
        const changes: TicketChange['changes'] = {};
        for (const [field, value] of Object.entries(fields)) {
          if (JSON.stringify(previous[field]) !== JSON.stringify(value)) {
            changes[field] = { old: previous[field] ?? null, new: value };
          }
        }
        // Strictly later than the write before, so `updated_at` tells each write of a ticket apart:
        // settling the outbox reads it to know whether a write happened.
        const at = Math.max(now().getTime(), Date.parse(previous.updated_at) + 1);
        const ticket: Ticket = { ...previous, ...fields, updated_at: new Date(at).toISOString() };
        const entry: PendingEvent = { eventId: randomUUID(), event: 'ticket.updated', ticket, changes };
        await outbox.add(entry);
        await keyv.set(ticketKey(number), ticket);
        return { entry, result: { ticket, previous, changes } };
      });
      if (!change) return null;
      await recordAndSettle(change.entry);
      return change.result;
    },

    async get(id) {
      const number = parseId(id);
      return number === null ? null : ((await keyv.get<Ticket>(ticketKey(number))) ?? null);
    },

    recordUnfinished: () =>
      serialized(async () => {
        let recorded = 0;
        let dropped = 0;
        for (const pending of await outbox.entries()) {
          const stored = await keyv.get<Ticket>(ticketKey(pending.ticket.id));
          // Writes of one ticket are serialized, so a stored ticket as new as this write has it.
          const written =
            stored !== undefined &&
            (pending.event === 'ticket.created' || stored.updated_at >= pending.ticket.updated_at);
          if (written) {
            await record(pending);
            recorded++;
          } else dropped++;
          await outbox.remove(pending.eventId);
        }
        return { recorded, dropped };
      }),
  };
}
