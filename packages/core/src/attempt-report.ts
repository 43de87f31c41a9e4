import type { DeliveryRecord, DeliveryStatus } from '@hookdesk/storage';
import type { DeliveryEventBase, HookdeskEvents } from './hookdesk-events.js';
import type { Logger } from './logger.js';
import type { HookdeskMetrics } from './metrics.js';
import type { SendResult } from './sender.js';

export interface AttemptReport {
  /** The log entry as the attempt left it. */
  record: DeliveryRecord;
  number: number;
  result: SendResult;
  status: DeliveryStatus;
  /** The webhook deactivated by this attempt, and why. */
  deactivated: { webhookId: string; url: string; reason: string } | null;
}

/**
 * Makes an attempt visible beyond its log entry: the attempt metrics, a log line, and the
 * `delivery.*` and `webhook.deactivated` events (never the body, never a key).
 */
export function reportAttempt(
  parts: { events: HookdeskEvents; metrics: HookdeskMetrics; logger: Logger },
  report: AttemptReport,
): void {
  const { record, number, result, status, deactivated } = report;
  const outcome = result.blocked ? 'blocked' : status === 'pending' ? 'retrying' : status;
  const attributes = { event: record.event, outcome };
  parts.metrics.attempts.add(1, attributes);
  parts.metrics.latency.record(result.durationMs, attributes);
  const base: DeliveryEventBase = {
    uuid: record.uuid,
    event: record.event,
    webhookId: record.webhookId,
    ruleId: record.ruleId,
    url: record.url,
    attempt: number,
    statusCode: result.statusCode,
    durationMs: result.durationMs,
  };
  const log = {
    uuid: record.uuid,
    webhookId: record.webhookId,
    attempt: number,
    statusCode: result.statusCode,
  };
  if (status === 'succeeded') {
    parts.logger.debug(log, 'delivery succeeded');
    parts.events.emit('delivery.succeeded', base);
  } else if (status === 'pending') {
    const nextAttemptAt = record.nextAttemptAt as string;
    parts.logger.info({ ...log, error: result.error, nextAttemptAt }, 'delivery attempt failed; retrying');
    parts.events.emit('delivery.retrying', { ...base, error: result.error, nextAttemptAt });
  } else {
    parts.logger.warn({ ...log, error: result.error }, 'delivery failed');
    parts.events.emit('delivery.failed', { ...base, error: result.error });
  }
  if (deactivated) {
    parts.logger.warn(
      { webhookId: deactivated.webhookId, reason: deactivated.reason },
      'webhook deactivated',
    );
    parts.events.emit('webhook.deactivated', deactivated);
  }
}
