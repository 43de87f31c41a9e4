import { type Counter, type Histogram, type MeterProvider, metrics } from '@opentelemetry/api';
import { VERSION } from './version.js';

/**
 * OpenTelemetry instruments. Without an SDK, `@opentelemetry/api` hands out no-op instruments,
 * so recording costs a function call and nothing else.
 */
export interface HookdeskMetrics {
  /** Deliveries recorded, by `event`. */
  deliveries: Counter;
  /**
   * Deliveries failed without an attempt, by `event` and `reason` (`body_too_large`,
   * `webhook_deleted`, `webhook_inactive`): events that reached no receiver.
   */
  dropped: Counter;
  /** Attempts made, by `event` and `outcome` (`succeeded`, `retrying`, `failed`, `blocked`). */
  attempts: Counter;
  /** Attempt duration in milliseconds, by `event` and `outcome`. */
  latency: Histogram;
}

export function createMetrics(provider: MeterProvider = metrics.getMeterProvider()): HookdeskMetrics {
  const meter = provider.getMeter('@hookdesk/core', VERSION);
  return {
    deliveries: meter.createCounter('hookdesk.deliveries', { description: 'Deliveries recorded' }),
    dropped: meter.createCounter('hookdesk.deliveries.dropped', {
      description: 'Deliveries failed without being sent (body over the limit, webhook deleted or inactive)',
    }),
    attempts: meter.createCounter('hookdesk.attempts', { description: 'Delivery attempts made' }),
    latency: meter.createHistogram('hookdesk.attempt.duration', {
      description: 'Duration of one delivery attempt',
      unit: 'ms',
    }),
  };
}
