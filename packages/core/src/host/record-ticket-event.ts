import type { Ticket, TicketChanges } from '@hookdesk/wire';

/** The ticket events a host's routes report. */
export type TicketEventName = 'ticket.created' | 'ticket.updated';

/**
 * What a ticket route middleware picks from a successful request: the ticket, or for an update
 * `{ ticket, previous }` (Hookdesk computes `changes`) or `{ ticket, changes }` (the host's own).
 * `eventId` is the host's idempotency key of the event (see `ticketCreated`'s options).
 */
export type SelectedTicket =
  | Ticket
  | { ticket: Ticket; previous?: Ticket | null; changes?: TicketChanges; eventId?: string }
  | null
  | undefined;

/** The engine methods the ticket hooks call. */
export interface TicketEventTarget {
  ticketCreated(ticket: Ticket, options?: { eventId?: string }): Promise<unknown>;
  ticketUpdated(
    ticket: Ticket,
    options?: { previous?: Ticket | null; changes?: TicketChanges; eventId?: string },
  ): Promise<unknown>;
}

export type TicketEventErrorHandler = (error: unknown, event: TicketEventName) => void;

/** The hooks only act on a host's 2xx outcome: a 4xx or 5xx created or changed nothing. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

interface PickedTicket {
  ticket: Ticket;
  previous: Ticket | null;
  changes: TicketChanges | undefined;
  eventId: string | undefined;
}

function unpack(selected: SelectedTicket): PickedTicket | null {
  if (selected === null || selected === undefined || typeof selected !== 'object') return null;
  if ('ticket' in selected && selected.ticket !== null && typeof selected.ticket === 'object') {
    const { previous, changes, eventId } = selected as {
      previous?: Ticket | null;
      changes?: TicketChanges;
      eventId?: string;
    };
    return { ticket: selected.ticket as Ticket, previous: previous ?? null, changes, eventId };
  }
  return { ticket: selected as Ticket, previous: null, changes: undefined, eventId: undefined };
}

/**
 * Records a ticket event for a host route that succeeded, and never throws: a Hookdesk failure is
 * handed to `onError` so the host's success stays a success. Resolves once the deliveries are
 * durably recorded (or the failure was reported), so the host may answer only then.
 */
export async function recordTicketEvent(
  target: TicketEventTarget,
  event: TicketEventName,
  selected: SelectedTicket,
  onError: TicketEventErrorHandler,
): Promise<void> {
  try {
    const picked = unpack(selected);
    if (!picked) {
      throw new TypeError(
        `The \`select\` function of the ${event} hook returned no ticket object; return the ticket (or { ticket, previous }).`,
      );
    }
    const { ticket, previous, changes, eventId } = picked;
    const id = eventId === undefined ? {} : { eventId };
    if (event === 'ticket.created') await target.ticketCreated(ticket, id);
    else await target.ticketUpdated(ticket, changes ? { previous, changes, ...id } : { previous, ...id });
  } catch (error) {
    try {
      onError(error, event);
    } catch {
      // An onError that throws must not turn the host's success into an error either.
    }
  }
}

/** Default `onError`: report on stderr, since a lost event notice must not pass silently. */
export function reportTicketEventError(error: unknown, event: TicketEventName): void {
  console.error(`Hookdesk could not record a ${event} event:`, error);
}
