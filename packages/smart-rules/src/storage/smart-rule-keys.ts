// Ids are encoded so that no id can make one set's name look like another's.
const part = (id: string) => encodeURIComponent(id);

/**
 * Where smart rules keep their records, relative to the storage namespace. These are the keys
 * `@hookdesk/storage` used when it held these repositories: stores written before keep working.
 */
export const SMART_RULE_KEYS = {
  smartRule: (id: string): string => `smart-rule:${id}`,
  ticketState: (id: string): string => `ticket:${encodeURIComponent(id)}`,
} as const;

/** Names of the ordered sets smart rules keep in `storage.index` (same names as before the move). */
export const SMART_RULE_SETS = {
  smartRules: 'smart-rules',
  /** Ids (URI-encoded) of open tickets, for smart-rule sweeps. */
  ticketsOpen: 'tickets:open',
  /** `<closedAt>:<id>` of closed tickets, oldest first, for their removal after retention. */
  ticketsClosed: 'tickets:closed',
  /** Ticket ids (URI-encoded) a smart rule has fired for and not re-armed: its fire-once claims. */
  ruleFired: (ruleId: string): string => `rule-fired:${part(ruleId)}`,
  /** Firing intents: `<at, 13 digits>:<firing id>:<rule id>:<ticket id>`, oldest first. */
  firingIntents: 'rule-firing-intents',
  /** Turns of the sweep lease: `<turn start, 13 digits>:turn`, each valued with its holder's id. */
  sweepLease: 'smart-rule-sweep-lease',
  /** Sweep intervals a process has taken: `<interval start, 13 digits>:interval`, valued with its id. */
  sweepIntervals: 'smart-rule-sweep-intervals',
} as const;
