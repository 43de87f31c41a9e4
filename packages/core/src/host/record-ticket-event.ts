import type { Ticket, TicketChanges } from '@hookdesk/wire';

/** The ticket events a host's routes report. */
export type TicketEventName = 'ticket.created' | 'ticket.updated';

/**
 * What a ticket route middleware picks from a successful request: the ticket, or for an update
 * `{ ticket, previous }` (Hookdesk computes `changes`) or `{ ticket, changes }` (the host's own).
 */
export type SelectedTicket =
  | Ticket
  | { ticket: Ticket; previous?: Ticket | null; changes?: TicketChanges }
  | null
  | undefined;

/** The engine methods the ticket hooks call. */
export interface TicketEventTarget {
  ticketCreated(ticket: Ticket): Promise<unknown>;
  ticketUpdated(
    ticket: Ticket,
    options?: { previous?: Ticket | null; changes?: TicketChanges },
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
}

function unpack(selected: SelectedTicket): PickedTicket | null {
  if (selected === null || selected === undefined || typeof selected !== 'object') return null;
  if ('ticket' in selected && selected.ticket !== null && typeof selected.ticket === 'object') {
    const { previous, changes } = selected as { previous?: Ticket | null; changes?: TicketChanges };
    return { ticket: selected.ticket as Ticket, previous: previous ?? null, changes };
  }
  return { ticket: selected as Ticket, previous: null, changes: undefined };
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
    if (event === 'ticket.created') await target.ticketCreated(picked.ticket);
    else {
      const { ticket, previous, changes } = picked;
      await target.ticketUpdated(ticket, changes ? { previous, changes } : { previous });
    }
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
