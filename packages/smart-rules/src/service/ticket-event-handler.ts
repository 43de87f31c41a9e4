import { evaluateTicketEvent } from '../rule-sweeper.js';
import { nextTicketState, pruneFired, type TicketEvent, ticketIdOf, withFired } from '../ticket-index.js';
import type { RuleServiceContext } from './service-context.js';

/**
 * Keeps the ticket's state and fires the rules the event makes match; resolves with the uuids of
 * the `smart_rule.triggered` deliveries recorded, once they and the state are stored.
 */
export async function handleTicketEvent(context: RuleServiceContext, event: TicketEvent): Promise<string[]> {
  const id = ticketIdOf(event.ticket);
  // Without a usable id a ticket cannot be tracked; rules cannot fire for it.
  if (id === null) return [];
  return context.perTicket.run(id, async () => {
    const { storage, clock } = context.deps;
    const { active, ids } = await context.rules.read(false);
    const next = nextTicketState(await storage.tickets.get(id), event, {
      closedStatuses: context.options.closedStatuses,
    });
    if (next === null) return [];
    let state = pruneFired(next, ids);
    const outcome = evaluateTicketEvent(active, state, event.changes, clock.now());
    const uuids: string[] = [];
    for (const { ruleId } of outcome.rearm) {
      await storage.ruleFirings.release(ruleId, id);
      state = withFired(state, ruleId, false);
    }
    const byId = new Map(active.map((r) => [r.id, r]));
    // Stored before any claim: a firing recorded after its process died (`FiringRecorder.reconcile`)
    // takes the ticket from here, and a new ticket has no stored state yet.
    if (outcome.fire.some((f) => f.hold)) await storage.tickets.put(state);
    for (const { ruleId, hold } of outcome.fire) {
      // Fresh: a rule deactivated or deleted a moment ago, in any process, stops at once.
      const current = await storage.smartRules.get(ruleId);
      const fired = await context.firings.claimAndSend(
        current,
        byId.get(ruleId),
        state.ticket,
        id,
        hold,
        event,
      );
      uuids.push(...fired.uuids);
      if (hold) state = withFired(state, ruleId, fired.held);
    }
    await storage.tickets.put(state);
    return uuids;
  });
}
