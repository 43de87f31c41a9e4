import type { DeliveryRecord, HookdeskStorage, WebhookRecord } from '@hookdesk/storage';
import type { DeliveryQueue } from '../delivery-queue.js';
import type { Dispatcher } from '../dispatcher.js';
import { NotFoundError } from '../errors.js';
import { createEventTemplate, pendingDelivery } from '../event-body.js';
import type { HookdeskMetrics } from '../metrics.js';
import type { ResolvedOptions } from '../options.js';
import type { EngineGuard } from './engine-guard.js';

/** Added to the longest attempt before a test delivery's sender stops waiting for its outcome. */
const TEST_OUTCOME_SLACK_MS = 5_000;

export interface TestDeliveryParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  queue: DeliveryQueue;
  dispatcher: Dispatcher;
  metrics: HookdeskMetrics;
  guard: EngineGuard;
}

/** A webhook's `webhook.test` delivery: recorded, sent once, answered with its log entry. */
export class TestDelivery {
  readonly #p: TestDeliveryParts;

  constructor(parts: TestDeliveryParts) {
    this.#p = parts;
  }

  /** Sends a signed `webhook.test` delivery to `webhook` now and answers with its log entry. */
  async send(webhook: WebhookRecord): Promise<DeliveryRecord> {
    const { options, storage, queue, dispatcher, metrics, guard } = this.#p;
    const template = createEventTemplate({
      event: 'webhook.test',
      created_at: new Date(options.clock.now()).toISOString(),
      webhook: { id: webhook.id, name: webhook.name },
    });
    const record = pendingDelivery(template, { webhookId: webhook.id, ruleId: null, url: webhook.url });
    const { outcome, cancel } = dispatcher.nextOutcome(record.uuid);
    try {
      const written = storage.log.create([record]);
      dispatcher.remember([record], written);
      await written;
      metrics.deliveries.add(1, { event: 'webhook.test' });
      // Through the queue like every delivery; answered once its one attempt is recorded.
      await queue.enqueue([{ uuid: record.uuid, dueAt: options.clock.now(), once: true }]);
      return await guard.track(this.#outcome(record.uuid, outcome));
    } finally {
      cancel();
    }
  }

  /**
   * A test delivery's log entry once its attempt is recorded: told by this process's dispatcher,
   * or read from the log when another process delivers (`process: false`, a shared queue). After
   * the longest an attempt can take, the entry as it stands (still `pending`, due in the queue).
   */
  async #outcome(uuid: string, here: Promise<DeliveryRecord>): Promise<DeliveryRecord> {
    const { options, storage, guard } = this.#p;
    const { clock, pollIntervalMs, connectTimeoutMs, timeoutMs } = options;
    const deadline = clock.now() + connectTimeoutMs + timeoutMs + TEST_OUTCOME_SLACK_MS;
    let settled: DeliveryRecord | null = null;
    here.then((record) => {
      settled = record;
    });
    for (;;) {
      const step = Math.min(pollIntervalMs, Math.max(0, deadline - clock.now()));
      let timer: unknown;
      const tick = new Promise<void>((resolve) => {
        timer = clock.setTimeout(resolve, step);
      });
      await Promise.race([here, tick]);
      clock.clearTimeout(timer);
      if (settled) return settled;
      const record = await storage.log.get(uuid);
      if (record && (record.status !== 'pending' || clock.now() >= deadline || guard.closing)) return record;
      if (!record) throw new NotFoundError(`The test delivery ${uuid} is no longer in the log.`);
    }
  }
}
