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
} as const;

/** The event sets' states. */
export const LOG_STATES = ['pending', 'scheduled', 'succeeded', 'failed'] as const;
