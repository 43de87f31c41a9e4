import type { Keyv } from 'keyv';

export type Ticket = Record<string, unknown> & { id: number; created_at: string; updated_at: string };

/** Input the example helpdesk refuses: answered 422 with the message. */
export class TicketInputError extends Error {
  readonly status = 422;
  readonly code = 'invalid_ticket';
}

export interface TicketChange {
  ticket: Ticket;
  previous: Ticket;
  /** The fields the request changed, `{ field: { old, new } }` (WIRE.md `changes`). */
  changes: Record<string, { old: unknown; new: unknown }>;
}

export interface TicketService {
  create(input: unknown): Promise<Ticket>;
  /** `null` when there is no such ticket. */
  update(id: string, patch: unknown): Promise<TicketChange | null>;
  get(id: string): Promise<Ticket | null>;
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
 * restart. Ids come from a stored sequence, so they never repeat; writes are serialized in this
 * process, which is all an example runs in.
 */
export function createTicketService(keyv: Keyv, now: () => Date = () => new Date()): TicketService {
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    create: (input) =>
      serialized(async () => {
        const fields = asObject(input);
        if (typeof fields.subject !== 'string' || fields.subject.trim() === '') {
          throw new TicketInputError('"subject" is required: give the ticket a short summary.');
        }
        const id = ((await keyv.get<number>(SEQUENCE_KEY)) ?? 0) + 1;
        await keyv.set(SEQUENCE_KEY, id);
        const at = now().toISOString();
        const ticket: Ticket = { ...fields, id, created_at: at, updated_at: at };
        await keyv.set(ticketKey(id), ticket);
        return ticket;
      }),

    update: (id, patch) =>
      serialized(async () => {
        const fields = asObject(patch);
        if ('subject' in fields && (typeof fields.subject !== 'string' || fields.subject.trim() === '')) {
          throw new TicketInputError('"subject" cannot be empty.');
        }
        const number = parseId(id);
        const previous = number === null ? undefined : await keyv.get<Ticket>(ticketKey(number));
        if (!previous || number === null) return null;
        const changes: TicketChange['changes'] = {};
        for (const [field, value] of Object.entries(fields)) {
          if (JSON.stringify(previous[field]) !== JSON.stringify(value)) {
            changes[field] = { old: previous[field] ?? null, new: value };
          }
        }
        const ticket: Ticket = { ...previous, ...fields, updated_at: now().toISOString() };
        await keyv.set(ticketKey(number), ticket);
        return { ticket, previous, changes };
      }),

    async get(id) {
      const number = parseId(id);
      return number === null ? null : ((await keyv.get<Ticket>(ticketKey(number))) ?? null);
    },
  };
}
