import type { Ticket } from '@hookdesk/wire';

/** The ticket events a host's routes report. */
export type TicketEventName = 'ticket.created' | 'ticket.updated';

/** What a ticket route middleware picks from a successful request: the ticket, and for an update the ticket before it. */
export type SelectedTicket = Ticket | { ticket: Ticket; previous?: Ticket | null } | null | undefined;

/** The engine methods the ticket hooks call. */
export interface TicketEventTarget {
  ticketCreated(ticket: Ticket): Promise<unknown>;
  ticketUpdated(ticket: Ticket, options?: { previous?: Ticket | null }): Promise<unknown>;
}

export type TicketEventErrorHandler = (error: unknown, event: TicketEventName) => void;

/** The hooks only act on a host's 2xx outcome: a 4xx or 5xx created or changed nothing. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

function unpack(selected: SelectedTicket): { ticket: Ticket; previous: Ticket | null } | null {
  if (selected === null || selected === undefined || typeof selected !== 'object') return null;
  if ('ticket' in selected && selected.ticket !== null && typeof selected.ticket === 'object') {
    const previous = (selected as { previous?: Ticket | null }).previous ?? null;
    return { ticket: selected.ticket as Ticket, previous };
  }
  return { ticket: selected as Ticket, previous: null };
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
    else await target.ticketUpdated(picked.ticket, { previous: picked.previous });
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
