import { compileRule, type RuleDefinition, type TicketChanges } from './conditions.js';
import { decideFiring, type FiringState, matchKind } from './rule-firing.js';
import type { TicketState } from './ticket-index.js';

/** A stored smart rule as the sweeper needs it: schema-parsed, with its id and switch. */
export interface SweepRule extends RuleDefinition {
  id: string;
  active: boolean;
}

/**
 * The tickets a rule has fired for and not re-armed since (the `fired` pairs); `undefined` or an empty
 * set when there are none. The engine backs it with its durable fire-once records.
 */
export type FiredLookup = (ruleId: string) => ReadonlySet<string> | undefined;

/** One (rule, ticket) pair. */
export interface RuleTicket {
  ruleId: string;
  ticketId: string;
}

/** What a sweep or an event decided. */
export interface RuleOutcome {
  /** Pairs to fire now: send a `smart_rule.triggered` and record the pair as fired (if `hold`). */
  fire: (RuleTicket & { hold: boolean })[];
  /** Fired pairs whose ticket stopped matching: delete their fired record. */
  rearm: RuleTicket[];
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * One sweep: which (rule, ticket) pairs fire or re-arm at `now` because time passed. Pure: it reads
 * `fired` and returns decisions; the engine records them (durably, once across processes) and sends.
 *
 * Only active rules with time conditions are looked at: without an event, a rule of field and change
 * conditions cannot change its answer (and a change condition never holds on a sweep). Each rule's
 * thresholds become anchor bounds once (`CompiledRule.at`), so a ticket costs a few comparisons and no
 * allocation. The decisions are those of `decideFiring` with `standing` / `none`.
 *
 * Keep rule objects stable between sweeps: compiled forms are cached per object.
 *
 * @example
 * const { fire, rearm } = sweepRules(rules, tickets, clock.now(), (id) => firedByRule.get(id));
 */
export function sweepRules(
  rules: readonly SweepRule[],
  tickets: readonly TicketState[],
  now: number,
  fired: FiredLookup,
): RuleOutcome {
  const out: RuleOutcome = { fire: [], rearm: [] };
  for (const rule of rules) {
    if (!rule.active) continue;
    const c = compileRule(rule);
    if (!c.hasTimeConditions) continue;
    const matches = c.at(now);
    const done = fired(rule.id) ?? EMPTY;
    const anyFired = done.size > 0;
    const ruleId = rule.id;
    for (let i = 0; i < tickets.length; i++) {
      const t = tickets[i] as TicketState;
      if (matches(t.ticket, t, undefined)) {
        if (!anyFired || !done.has(t.id)) out.fire.push({ ruleId, ticketId: t.id, hold: true });
      } else if (anyFired && done.has(t.id)) {
        out.rearm.push({ ruleId, ticketId: t.id });
      }
    }
  }
  return out;
}

/**
 * The rules' decisions for one ticket event (`ticket.created` / `ticket.updated`), evaluated at `now`
 * with the event's `changes`: every active rule, time conditions included. `state` is the ticket's
 * state after the event (`nextTicketState`). A momentary match (only through a change condition)
 * fires with `hold: false`, leaving the pair armed.
 */
export function evaluateTicketEvent(
  rules: readonly SweepRule[],
  state: TicketState,
  changes: TicketChanges | undefined,
  now: number,
  fired: FiredLookup,
): RuleOutcome {
  const out: RuleOutcome = { fire: [], rearm: [] };
  for (const rule of rules) {
    if (!rule.active) continue;
    const c = compileRule(rule);
    const kind = matchKind(c, c.at(now), state.ticket, state, changes);
    const previous: FiringState = fired(rule.id)?.has(state.id) ? 'fired' : 'armed';
    const decision = decideFiring(previous, kind);
    if (decision.fire)
      out.fire.push({ ruleId: rule.id, ticketId: state.id, hold: decision.next === 'fired' });
    else if (decision.transition === 'rearm') out.rearm.push({ ruleId: rule.id, ticketId: state.id });
  }
  return out;
}
