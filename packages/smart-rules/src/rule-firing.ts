import type { CompiledRule, RuleMatcher, TicketAnchors, TicketChanges } from './conditions/rule-context.js';

/**
 * Where a (rule, ticket) pair stands. `armed`: the rule fires the next time the ticket comes to
 * match (also the state of a pair never seen). `fired`: it fired and the ticket has matched since.
 */
export type FiringState = 'armed' | 'fired';

/**
 * How a ticket matches a rule at one evaluation. `standing`: it matches without looking at this
 * event's changes, and keeps matching until something changes. `momentary`: it matches only because
 * this event carries a change a change condition asks for, so it stops matching when the event is
 * over. `none`: no match.
 */
export type MatchKind = 'none' | 'standing' | 'momentary';

/** What to do for one (rule, ticket) pair, and the state to store afterwards. */
export interface FiringDecision {
  /** Send a `smart_rule.triggered` delivery now. */
  fire: boolean;
  /** The state to record (only `fired` needs storing; `armed` is the absence of a record). */
  next: FiringState;
  /** `fire`; `stay` (still matching, already fired); `rearm` (stopped matching); `idle` (nothing). */
  transition: 'fire' | 'stay' | 'rearm' | 'idle';
}

const FIRE_AND_HOLD: FiringDecision = { fire: true, next: 'fired', transition: 'fire' };
const FIRE_AND_REARM: FiringDecision = { fire: true, next: 'armed', transition: 'fire' };
const STAY: FiringDecision = { fire: false, next: 'fired', transition: 'stay' };
const REARM: FiringDecision = { fire: false, next: 'armed', transition: 'rearm' };
const IDLE: FiringDecision = { fire: false, next: 'armed', transition: 'idle' };

/**
 * The fire-once state machine of docs/admin-api.md "Firing": a rule fires when a ticket goes from not
 * matching to matching, and re-arms only when the ticket stops matching. A match that exists only
 * through this event's change fires (when armed) and leaves the pair armed, because the match ends
 * with the event: a rule made of change conditions fires once per event carrying the change.
 *
 * | previous | match     | fire | next  |
 * | -------- | --------- | ---- | ----- |
 * | armed    | standing  | yes  | fired |
 * | fired    | standing  | no   | fired |
 * | armed    | momentary | yes  | armed |
 * | fired    | momentary | no   | armed |
 * | armed    | none      | no   | armed |
 * | fired    | none      | no   | armed |
 */
export function decideFiring(previous: FiringState, match: MatchKind): FiringDecision {
  if (match === 'standing') return previous === 'armed' ? FIRE_AND_HOLD : STAY;
  if (match === 'momentary') return previous === 'armed' ? FIRE_AND_REARM : REARM;
  return previous === 'fired' ? REARM : IDLE;
}

/**
 * Classifies a ticket event's match (see `MatchKind`): the ticket is matched without `changes`
 * first; only a rule with change conditions is asked again with them.
 */
export function matchKind(
  rule: Pick<CompiledRule, 'hasChangeConditions'>,
  matcher: RuleMatcher,
  ticket: unknown,
  anchors: TicketAnchors,
  changes: TicketChanges | undefined,
): MatchKind {
  if (matcher(ticket, anchors, undefined)) return 'standing';
  if (changes !== undefined && rule.hasChangeConditions && matcher(ticket, anchors, changes))
    return 'momentary';
  return 'none';
}
