import { randomUUID } from 'node:crypto';
import type { HookdeskStorage } from '@hookdesk/storage';
import type { DeliveryQueue } from '../delivery-queue.js';
import type { Dispatcher } from '../dispatcher.js';
import { bodyTooLargeError, reportDropped, unsentDelivery } from '../dropped-delivery.js';
import {
  createEventTemplate,
  type DeliveryTarget,
  pendingDelivery,
  type SharedEventBody,
} from '../event-body.js';
import type { HookdeskEvents } from '../hookdesk-events.js';
import type { HookdeskMetrics } from '../metrics.js';
import type { ResolvedOptions } from '../options.js';

export interface RecordParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  queue: DeliveryQueue;
  dispatcher: Dispatcher;
  events: HookdeskEvents;
  metrics: HookdeskMetrics;
}

/**
 * One delivery per target, in the log and the queue; resolves with their uuids (given ones that
 * the log holds already included). An event whose body is over `maxBodyBytes` is recorded as
 * `failed` entries that say why, sent to no one (docs/admin-api.md, "LogSummary").
 */
export async function recordDeliveries(
  parts: RecordParts,
  shared: SharedEventBody,
  targets: readonly DeliveryTarget[],
): Promise<string[]> {
  const { options, storage, queue, dispatcher, events, metrics } = parts;
  const template = createEventTemplate(shared);
  const all = targets.map((target) => ({ ...target, uuid: target.uuid ?? randomUUID() }));
  // A given uuid (an eventId's, a smart-rule firing's) may be logged already: recording the event
  // again records nothing new, and never turns a delivery that went out back into a pending one.
  const logged = targets.some((target) => target.uuid !== undefined)
    ? await Promise.all(all.map((target) => storage.log.get(target.uuid)))
    : [];
  const fresh = all.filter((_, at) => logged[at] === undefined);
  const uuids = all.map((target) => target.uuid);
  if (fresh.length === 0) return uuids;
  const limit = options.maxBodyBytes;
  if (template.byteLength > limit) {
    const error = bodyTooLargeError(shared, template.byteLength, limit);
    const records = fresh.map((target) => unsentDelivery(template, target, error, limit));
    await storage.log.create(records);
    metrics.deliveries.add(records.length, { event: template.event });
    const reporting = { events, metrics, logger: options.logger };
    for (const record of records) reportDropped(reporting, record, 'body_too_large', error);
    return uuids;
  }
  const records = fresh.map((target) => pendingDelivery(template, target));
  // A pending log entry whose queue write was lost is re-queued at start-up (EngineLifecycle).
  const written = storage.log.create(records);
  dispatcher.remember(records, written);
  const dueAt = options.clock.now();
  const enqueue = () =>
    queue.enqueue(
      records.map((r) => ({ uuid: r.uuid, dueAt })),
      { fresh: true },
    );
  // At once where an attempt waits for the log write (Dispatcher.remember); else the log first, so
  // a worker in another process never takes a job whose record it cannot read yet.
  if (queue.enqueueBesideRecord) await Promise.all([written, enqueue()]);
  else {
    await written;
    await enqueue();
  }
  metrics.deliveries.add(records.length, { event: template.event });
  return uuids;
}
