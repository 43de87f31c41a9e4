import type { Ticket } from '@hookdesk/wire';

/**
 * Tickets that predate the install, for smart-rule sweeps: an iterable or async iterable of tickets
 * (as the host stores them), or a function returning one. Read once at each start; tickets Hookdesk
 * already knows are left as they are.
 *
 * @example
 * ticketSource: async function* () {
 *   for (let page = 0; ; page++) {
 *     const rows = await db.tickets.findMany({ where: { status: { not: 'closed' } }, skip: page * 500, take: 500 });
 *     if (rows.length === 0) return;
 *     yield* rows;
 *   }
 * }
 */
export type TicketSource =
  | Iterable<Ticket>
  | AsyncIterable<Ticket>
  | (() => Iterable<Ticket> | AsyncIterable<Ticket>);

/** The options of `installSmartRules`. */
export interface SmartRuleOptions {
  /**
   * How often (ms) the sweeper evaluates time conditions over the open tickets. `0` turns the
   * timer off (call `rules.sweep()` yourself, e.g. from a cron job).
   * @default 60_000 (1 min)
   */
  sweepIntervalMs?: number;
  /**
   * Open tickets read per storage round trip during a sweep or a preview.
   * @default 1000
   */
  sweepPageSize?: number;
  /**
   * Ticket `status` values that mean closed: a closed ticket leaves the sweeps and is forgotten
   * `closedTicketRetentionMs` later.
   * @default ['closed']
   */
  closedStatuses?: readonly string[];
  /**
   * How long (ms) a closed ticket's state is kept before a sweep removes it.
   * @default 604_800_000 (7 days)
   */
  closedTicketRetentionMs?: number;
  /** Tickets that predate the install (see `TicketSource`). @default none */
  ticketSource?: TicketSource;
  /**
   * How long (ms) a firing may take from its claim to its recorded delivery. A firing whose
   * delivery is still not recorded after this long (its process died in between) is recorded by the
   * next sweep in any process, or at start-up, with the firing's id as its uuid. Keep it above the
   * time a slow storage write can take: a firing still alive past it may be recorded twice, with
   * the same uuid (receivers deduplicate on it).
   * @default 120_000 (2 min)
   */
  firingLeaseMs?: number;
  /**
   * How long (ms) a sweeping process holds the sweep lease between renewals. Processes sharing a
   * store sweep one at a time; one that dies mid-sweep keeps the others waiting at most 1.5 × this
   * long. Keep it well above a storage round trip and a stalled event loop.
   * @default 10_000 (10 s)
   */
  sweepLeaseMs?: number;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
export const DEFAULT_SWEEP_PAGE_SIZE = 1000;
export const DEFAULT_CLOSED_TICKET_RETENTION_MS = 7 * 24 * 3_600_000;
export const DEFAULT_FIRING_LEASE_MS = 120_000;
export const DEFAULT_SWEEP_LEASE_MS = 10_000;

export type ResolvedSmartRuleOptions = Required<Omit<SmartRuleOptions, 'ticketSource'>> &
  Pick<SmartRuleOptions, 'ticketSource'>;

function count(name: keyof SmartRuleOptions, value: unknown, allowZero: boolean): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < (allowZero ? 0 : 1) ||
    !Number.isSafeInteger(value)
  ) {
    throw new TypeError(
      `\`${name}\` must be a ${allowZero ? 'non-negative' : 'positive'} integer${allowZero ? ' (0 turns it off)' : ''}, got ${String(value)}.`,
    );
  }
  return value;
}

/** Fills the defaults; a `TypeError` naming the option for any misuse. */
export function resolveSmartRuleOptions(options: SmartRuleOptions): ResolvedSmartRuleOptions {
  const closedStatuses = options.closedStatuses ?? ['closed'];
  if (!Array.isArray(closedStatuses) || closedStatuses.some((s) => typeof s !== 'string')) {
    throw new TypeError('`closedStatuses` must be an array of status values, e.g. ["closed", "resolved"].');
  }
  const source = options.ticketSource;
  if (
    source !== undefined &&
    typeof source !== 'function' &&
    !(
      typeof source === 'object' &&
      source !== null &&
      (Symbol.iterator in source || Symbol.asyncIterator in source)
    )
  ) {
    throw new TypeError(
      '`ticketSource` must be an iterable or async iterable of tickets, or a function returning one.',
    );
  }
  return {
    sweepIntervalMs: count('sweepIntervalMs', options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS, true),
    sweepPageSize: count('sweepPageSize', options.sweepPageSize ?? DEFAULT_SWEEP_PAGE_SIZE, false),
    closedStatuses: [...closedStatuses],
    closedTicketRetentionMs: count(
      'closedTicketRetentionMs',
      options.closedTicketRetentionMs ?? DEFAULT_CLOSED_TICKET_RETENTION_MS,
      false,
    ),
    ticketSource: source,
    firingLeaseMs: count('firingLeaseMs', options.firingLeaseMs ?? DEFAULT_FIRING_LEASE_MS, false),
    sweepLeaseMs: count('sweepLeaseMs', options.sweepLeaseMs ?? DEFAULT_SWEEP_LEASE_MS, false),
  };
}
