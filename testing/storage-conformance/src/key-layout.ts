/**
 * The key layout stored data has, written out here apart from storage's own code (which keeps it
 * internal): a change to it would strand every record already stored, so it must fail this suite.
 */
export const KEYS = {
  settings: (): string => 'settings',
  webhook: (id: string): string => `webhook:${id}`,
  webhookHealth: (id: string): string => `webhook-health:${id}`,
  delivery: (uuid: string): string => `delivery:${uuid}`,
  queueEntry: (uuid: string): string => `queue:${uuid}`,
} as const;

const part = (id: string) => encodeURIComponent(id);
const hour = (ms: number) => String(ms).padStart(13, '0');

/**
 * The ordered sets' names, pinned the same way. A delivery is in one of its event's sets, by state
 * (its status, with `pending` split: `pending` = its first attempt, queued by this entry;
 * `scheduled` = its next attempt on the `queue`), and in its webhook's and rule's set by status.
 */
export const SETS = {
  queue: 'queue',
  logEvent: (event: string, state: string): string => `log:event:${event}:${state}`,
  logWebhookStatus: (id: string, status: string): string => `log:webhook:${part(id)}:status:${status}`,
  logRuleStatus: (id: string, status: string): string => `log:rule:${part(id)}:status:${status}`,
  /** Settles per hour (`log.stats`), named by the hour's start in 13-digit epoch ms. */
  statsHour: (hourMs: number, outcome: string): string => `stats:${hour(hourMs)}:${outcome}`,
  statsWebhookHour: (hourMs: number, outcome: string, id: string): string =>
    `stats:${hour(hourMs)}:${outcome}:webhook:${part(id)}`,
  statsRuleHour: (hourMs: number, outcome: string, id: string): string =>
    `stats:${hour(hourMs)}:${outcome}:rule:${part(id)}`,
  /** The hours that have stats, members `<hour start, 13 digits>`. */
  statsHours: 'stats:hours',
} as const;

/** The event sets' states. */
export const LOG_STATES = ['pending', 'scheduled', 'succeeded', 'failed'] as const;
