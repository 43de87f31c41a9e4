import type { TicketAnchors, TicketChanges } from './conditions/rule-context.js';
import { instantOf, sameJson } from './ticket-path.js';

/**
 * What Hookdesk keeps of each known ticket, so a sweep needs no call into the host. It is itself a
 * `TicketAnchors`, so the sweeper passes it to matchers as it is, without allocating per ticket.
 */
export interface TicketState extends TicketAnchors {
  /** The ticket's id as a string (`String(ticket.id)`). */
  id: string;
  /** The latest ticket JSON the host gave. */
  ticket: unknown;
  /** When Hookdesk saw the ticket close (status in `closedStatuses`), or `null` while it is open. */
  closedAt: number | null;
  /**
   * Ids of the rules that fired for this ticket and have not re-armed (the `fired` pairs of
   * `decideFiring`). Kept on the ticket, not in one set per rule, so a sweep reads it from the ticket
   * it already has in cache: lookups in per-rule sets of 10,000s of ids cost a sweep far more
   * (bench/README.md).
   * The engine's durable, cross-process fire-once record stays the authority; this is its copy.
   */
  firedRules: readonly string[];
}

/** A ticket event as the engine hands it to the index. */
export interface TicketEvent {
  type: 'ticket.created' | 'ticket.updated';
  ticket: unknown;
  /** docs/wire.md `changes`, when the previous ticket was known. */
  changes?: TicketChanges | undefined;
  /** The event's time, epoch ms. */
  at: number;
  /**
   * The host's idempotency key of the event (`ticketCreated(ticket, { eventId })`): a firing it
   * causes gets a uuid derived from it, so recording the event again fires nothing new.
   */
  eventId?: string | undefined;
}

/** How the index reads tickets. */
export interface TicketIndexOptions {
  /**
   * Status values that mean "closed": the ticket's `closedAt` is set and it leaves the index after
   * `closedRetentionMs`.
   * @default ['closed']
   */
  closedStatuses?: readonly string[];
}

function field(ticket: unknown, key: string): unknown {
  return typeof ticket === 'object' && ticket !== null && Object.hasOwn(ticket, key)
    ? (ticket as Record<string, unknown>)[key]
    : undefined;
}

function finite(ms: number): number | null {
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The id a ticket is indexed under, or `null` when it has none usable (no `id`, or not a string or
 * number): such a ticket cannot be tracked and time conditions never fire for it.
 */
export function ticketIdOf(ticket: unknown): string | null {
  const id = field(ticket, 'id');
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? String(id) : null;
}

/**
 * The new state of a ticket after an event, as docs/admin-api.md "Time anchors" says:
 * - `createdAt`: the ticket's `created_at`, else the `ticket.created` event's time, else (a ticket that
 *   predates the install, first seen on an update) the first event Hookdesk saw;
 * - `updatedAt`: `updated_at`, else this event's time;
 * - `statusChangedAt`: this event's time when `changes` include `status` (or, with no `changes`, the
 *   status differs from the stored ticket's), else the stored value, else `createdAt`;
 * - `dueAt`: `due_at`, else `null`.
 * Returns `null` when the ticket has no usable id.
 */
export function nextTicketState(
  previous: TicketState | undefined,
  event: TicketEvent,
  options: TicketIndexOptions = {},
): TicketState | null {
  const id = ticketIdOf(event.ticket);
  if (id === null) return null;
  const { ticket, at, changes } = event;
  const createdAt = finite(instantOf(field(ticket, 'created_at'))) ?? previous?.createdAt ?? at;
  const updatedAt = finite(instantOf(field(ticket, 'updated_at'))) ?? at;
  const status = field(ticket, 'status');
  const statusChanged =
    changes !== undefined
      ? Object.hasOwn(changes, 'status')
      : previous !== undefined && !sameJson(field(previous.ticket, 'status'), status);
  const statusChangedAt = statusChanged ? at : (previous?.statusChangedAt ?? createdAt);
  const dueAt = finite(instantOf(field(ticket, 'due_at')));
  const closed = (options.closedStatuses ?? ['closed']).includes(status as string);
  const closedAt = closed ? (previous?.closedAt ?? at) : null;
  return {
    id,
    ticket,
    createdAt,
    updatedAt,
    statusChangedAt,
    dueAt,
    closedAt,
    firedRules: previous?.firedRules ?? [],
  };
}

/** The state with rule `ruleId` recorded as fired (`true`) or re-armed (`false`); the same object if unchanged. */
export function withFired(state: TicketState, ruleId: string, fired: boolean): TicketState {
  const has = state.firedRules.includes(ruleId);
  if (has === fired) return state;
  const firedRules = fired ? [...state.firedRules, ruleId] : state.firedRules.filter((id) => id !== ruleId);
  return { ...state, firedRules };
}

/** The state without fired-rule ids of rules that no longer exist (a deleted rule's leftovers). */
export function pruneFired(state: TicketState, ids: ReadonlySet<string>): TicketState {
  return state.firedRules.every((id) => ids.has(id))
    ? state
    : { ...state, firedRules: state.firedRules.filter((id) => ids.has(id)) };
}
