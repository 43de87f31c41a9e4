import type { Ticket } from '@hookdesk/wire';
import { nextTicketState, ticketIdOf } from '../ticket-index.js';
import type { RuleServiceContext } from './service-context.js';

/** Stores a state for each ticket of the `ticketSource` that Hookdesk does not know yet. */
export async function importTickets(
  context: Pick<RuleServiceContext, 'deps' | 'options' | 'perTicket' | 'stopped'>,
): Promise<void> {
  const { deps, options } = context;
  const source = options.ticketSource;
  const tickets = typeof source === 'function' ? source() : source;
  if (!tickets) return;
  let imported = 0;
  for await (const ticket of tickets as AsyncIterable<Ticket>) {
    if (context.stopped()) return;
    const id = ticketIdOf(ticket);
    if (id === null) continue;
    await context.perTicket.run(id, async () => {
      if (await deps.storage.tickets.get(id)) return;
      // As if created now, unless the ticket carries `created_at` (nextTicketState reads it).
      const state = nextTicketState(
        undefined,
        { type: 'ticket.created', ticket, at: deps.clock.now() },
        {
          closedStatuses: options.closedStatuses,
        },
      );
      if (state && state.closedAt === null) {
        await deps.storage.tickets.put(state);
        imported++;
      }
    });
  }
  if (imported > 0) deps.logger.info({ imported }, 'tickets read from the ticketSource');
}
