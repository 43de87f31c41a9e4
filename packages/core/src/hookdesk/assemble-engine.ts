import { Dispatcher } from '../dispatcher.js';
import { HookdeskEvents } from '../hookdesk-events.js';
import { KeyRing } from '../key-ring.js';
import { createMetrics } from '../metrics.js';
import { type HookdeskOptions, resolveOptions } from '../options.js';
import { Sender } from '../sender.js';
import { createAddressGuard } from '../ssrf-guard.js';
import { StorageDeliveryQueue } from '../storage-delivery-queue.js';
import { WebhookCache } from '../webhook-cache.js';
import { DeliveryLogAdmin } from './delivery-log-admin.js';
import { EngineGuard } from './engine-guard.js';
import { EngineLifecycle } from './engine-lifecycle.js';
import { ExtensionRegistry } from './extension-registry.js';
import { SettingsAdmin } from './settings-admin.js';
import { TestDelivery } from './test-delivery.js';
import { TicketEvents } from './ticket-events.js';
import { WebhookAdmin } from './webhook-admin.js';

/** The parts `Hookdesk` delegates to, one per concern. */
export interface Engine {
  events: HookdeskEvents;
  guard: EngineGuard;
  lifecycle: EngineLifecycle;
  ticketEvents: TicketEvents;
  webhooks: WebhookAdmin;
  settings: SettingsAdmin;
  log: DeliveryLogAdmin;
  extensions: ExtensionRegistry;
}

/**
 * Builds the engine from the host's options, each part handed what it uses; nothing runs yet
 * (`lifecycle.start()` begins start-up).
 */
export function assembleEngine(options: HookdeskOptions): Engine {
  const o = resolveOptions(options);
  const storage = o.storage;
  const addressGuard = createAddressGuard({
    allowPrivateNetworks: o.allowPrivateNetworks,
    allowCidrs: o.allowCidrs,
  });
  const events = new HookdeskEvents(o.logger);
  const metrics = createMetrics(o.meterProvider);
  const keyRing = new KeyRing(storage.settings, o.clock, o.cacheMs);
  const webhooks = new WebhookCache(storage.webhooks, o.clock, o.cacheMs);
  const queue =
    o.queue ??
    new StorageDeliveryQueue(storage.queue, {
      clock: o.clock,
      concurrency: o.concurrency,
      pollIntervalMs: o.pollIntervalMs,
      logger: o.logger,
    });
  const sender = new Sender({
    connectTimeoutMs: o.connectTimeoutMs,
    timeoutMs: o.timeoutMs,
    maxResponseBytes: o.maxResponseBytes,
    guard: addressGuard,
    resolve: o.resolve,
    clock: o.clock,
  });
  const guard = new EngineGuard(keyRing);
  const extensions = new ExtensionRegistry({ options: o, storage, addressGuard, guard });
  const dispatcher = new Dispatcher({
    options: o,
    storage,
    queue,
    keyRing,
    webhooks,
    sender,
    events,
    metrics,
    currentUrl: (record) => extensions.currentUrl(record),
  });
  const testDelivery = new TestDelivery({ options: o, storage, queue, dispatcher, metrics, guard });
  return {
    events,
    guard,
    extensions,
    ticketEvents: new TicketEvents({
      options: o,
      storage,
      queue,
      dispatcher,
      events,
      metrics,
      keyRing,
      webhooks,
      guard,
    }),
    webhooks: new WebhookAdmin({ options: o, storage, keyRing, webhooks, addressGuard, testDelivery, guard }),
    settings: new SettingsAdmin({ options: o, keyRing, queue, guard }),
    log: new DeliveryLogAdmin({ options: o, storage, queue, guard }),
    lifecycle: new EngineLifecycle({
      options: o,
      storage,
      queue,
      keyRing,
      webhooks,
      dispatcher,
      sender,
      extensions,
      guard,
    }),
  };
}
