import type { Keyv } from 'keyv';

/** Something the outbox holds until it is settled, named by its `eventId`. */
export interface OutboxEntry {
  eventId: string;
}

/**
 * A durable list of ticket events written before their ticket and removed once Hookdesk holds
 * them: what is left after a crash is what the next start must settle. One Keyv key holds it all,
 * so it works on every Keyv store (none of them lists keys cheaply); it stays small, holding only
 * the events of requests in flight.
 */
export interface TicketOutbox<E extends OutboxEntry> {
  /** Resolves once the entry is durably stored. */
  add(entry: E): Promise<void>;
  /** Resolves once the entry is durably gone. */
  remove(eventId: string): Promise<void>;
  /** What is in it, oldest first. */
  entries(): Promise<E[]>;
}

const OUTBOX_KEY = 'example:ticket-outbox';

/** The outbox of one helpdesk process, on its Keyv store. */
export function createTicketOutbox<E extends OutboxEntry>(keyv: Keyv): TicketOutbox<E> {
  const pending = new Map<string, E>();
  // Loaded before the first change: writing the map before would wipe what a crash left.
  const loaded = (async () => {
    const stored = (await keyv.get<Record<string, E>>(OUTBOX_KEY)) ?? {};
    for (const entry of Object.values(stored)) pending.set(entry.eventId, entry);
  })();
  let last: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;

  // Writes never overlap, and every change made while one is under way rides on the next one, so a
  // burst of requests costs two writes in flight at most, not one per request.
  const persist = (): Promise<void> => {
    if (queued) return queued;
    const write = last
      .catch(() => {})
      .then(async () => {
        queued = null;
        await keyv.set(OUTBOX_KEY, Object.fromEntries(pending));
      });
    queued = write;
    last = write;
    return write;
  };

  return {
    async add(entry) {
      await loaded;
      pending.set(entry.eventId, entry);
      await persist();
    },
    async remove(eventId) {
      await loaded;
      if (pending.delete(eventId)) await persist();
    },
    async entries() {
      await loaded;
      return [...pending.values()];
    },
  };
}
