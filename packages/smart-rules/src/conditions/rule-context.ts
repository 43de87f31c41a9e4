import type { ConditionGroup } from '../condition-schema.js';
import type { WorkSchedule } from '../work-schedule-schema.js';

/**
 * The instants (epoch ms, or `null` when unknown) time conditions count from. The engine resolves
 * them as docs/admin-api.md says (`created_at`, else the `ticket.created` event seen; …); any object with
 * these four fields will do, so a stored ticket state can be passed as it is.
 */
export interface TicketAnchors {
  createdAt: number | null;
  updatedAt: number | null;
  statusChangedAt: number | null;
  dueAt: number | null;
}

/** `changes` of a `ticket.updated` event (docs/wire.md): `{ field: { old, new } }` per top-level field. */
export type TicketChanges = Record<string, { old: unknown; new: unknown }>;

/** Everything a rule's conditions are evaluated against. */
export interface RuleContext {
  /** The ticket as the host gave it. */
  ticket: unknown;
  /** `changes` of the `ticket.updated` event being handled; `undefined` on other events and on sweeps. */
  changes?: TicketChanges | undefined;
  anchors: TicketAnchors;
  /** The instant of evaluation, epoch ms: the event's time, or the sweep's. */
  now: number;
  /** The rule's `workSchedule`: what `working` clocks count; `null` is around the clock. */
  schedule: WorkSchedule | null;
}

/** The parts of a (schema-parsed) smart rule that matching reads. */
export interface RuleDefinition {
  /** The rule applies only to tickets whose `category` is listed; `[]` means every ticket. */
  categories: readonly string[];
  workSchedule: WorkSchedule | null;
  conditions: ConditionGroup;
}

/** Does the ticket match the rule at the instant the matcher was made for? Never throws on any ticket. */
export type RuleMatcher = (ticket: unknown, anchors: TicketAnchors, changes?: TicketChanges) => boolean;

/** A rule compiled once: field paths split, values parsed, time conditions ready to become bounds. */
export interface CompiledRule {
  /** True when some condition counts hours: only such rules can change their answer without an event. */
  readonly hasTimeConditions: boolean;
  /** True when some condition is a change condition (`changed`, `changed_from`, `changed_to`). */
  readonly hasChangeConditions: boolean;
  /**
   * A matcher for instant `now`. Each time condition's threshold is turned into bounds on its anchor
   * once here (working-hours math included), so a ticket then costs a few comparisons: make one
   * matcher per sweep or event and use it for every ticket.
   */
  at(now: number): RuleMatcher;
}

/**
 * One compiled condition or group: does it hold for the ticket, with time conditions read as the
 * `[lo, hi)` anchor bounds in `bounds` (two slots per time condition, filled by `CompiledRule.at`)?
 */
export type CompiledCondition = (
  ticket: unknown,
  anchors: TicketAnchors,
  changes: TicketChanges | undefined,
  bounds: Float64Array,
) => boolean;
