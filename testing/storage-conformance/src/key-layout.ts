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

/** The ordered sets' names, pinned the same way. */
export const SETS = {
  queue: 'queue',
  log: 'log',
  logStatus: (status: string): string => `log:status:${status}`,
  logWebhook: (id: string): string => `log:webhook:${part(id)}`,
  logWebhookStatus: (id: string, status: string): string => `log:webhook:${part(id)}:status:${status}`,
  logRule: (id: string): string => `log:rule:${part(id)}`,
  logRuleStatus: (id: string, status: string): string => `log:rule:${part(id)}:status:${status}`,
  logEvent: (event: string): string => `log:event:${event}`,
} as const;
