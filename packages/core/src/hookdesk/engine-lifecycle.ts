import type { HookdeskStorage } from '@hookdesk/storage';
import type { DeliveryQueue } from '../delivery-queue.js';
import type { Dispatcher } from '../dispatcher.js';
import type { KeyRing } from '../key-ring.js';
import type { ResolvedOptions } from '../options.js';
import type { Sender } from '../sender.js';
import type { WebhookCache } from '../webhook-cache.js';
import type { EngineGuard } from './engine-guard.js';
import type { ExtensionRegistry } from './extension-registry.js';

export interface LifecycleParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  queue: DeliveryQueue;
  keyRing: KeyRing;
  webhooks: WebhookCache;
  dispatcher: Dispatcher;
  sender: Sender;
  extensions: ExtensionRegistry;
  guard: EngineGuard;
}

/**
 * Starts the engine (settings, the webhook cache, the extensions, then, in a process that
 * processes the queue, recovery, the queue and the switch watch) and closes it.
 */
export class EngineLifecycle {
  readonly #p: LifecycleParts;
  #resumeTimer: unknown = null;

  constructor(parts: LifecycleParts) {
    this.#p = parts;
  }

  /** Begins start-up; `guard.ready` settles with it. */
  start(): void {
    const ready = this.#start();
    // Surfaced by every call that awaits it; this only keeps an unobserved failure from crashing the host.
    ready.catch(() => {});
    this.#p.guard.starting(ready);
  }

  async #start(): Promise<void> {
    const { keyRing, webhooks, extensions, guard, queue, dispatcher, options } = this.#p;
    const settings = await keyRing.get({ fresh: true });
    // Loaded now so the first event does not pay for reading every webhook.
    await webhooks.list();
    // Every process starts its extensions (smart rules try to sweep in each; their lease in the
    // store lets one at a time).
    if (!guard.closing) extensions.start();
    if (!options.process) return;
    await this.#recover();
    if (!settings.active) queue.pause();
    queue.start(dispatcher.handle);
    this.#watchSwitch();
  }

  /**
   * Puts back in the queue every pending delivery the log holds, at its next attempt time. Covers a
   * crash between writing the log and the queue; bounded so a huge backlog cannot stall start-up.
   */
  async #recover(): Promise<void> {
    const { storage, queue, options } = this.#p;
    const uuids = await storage.log.uuids({ status: 'pending' }, 10_000);
    const entries = [];
    for (const uuid of uuids) {
      const record = await storage.log.get(uuid);
      if (record?.status !== 'pending') continue;
      entries.push({ uuid, dueAt: Date.parse(record.nextAttemptAt ?? record.createdAt) });
    }
    if (entries.length === 0) return;
    // Through the queue like every delivery, so a custom DeliveryQueue holds recovered ones too.
    await queue.enqueue(entries, { recovered: true });
    options.logger.info({ count: entries.length }, 'pending deliveries re-queued');
  }

  /** Look every `pollIntervalMs` whether another process turned the switch on (or off). */
  #watchSwitch(): void {
    const { keyRing, queue, guard, options } = this.#p;
    const check = async () => {
      this.#resumeTimer = null;
      if (guard.closing) return;
      try {
        const settings = await keyRing.get();
        if (settings.active) queue.resume();
        else queue.pause();
      } catch (error) {
        options.logger.error({ err: error }, 'Hookdesk could not read its settings');
      }
      if (!guard.closing) this.#resumeTimer = options.clock.setTimeout(check, options.pollIntervalMs);
    };
    this.#resumeTimer = options.clock.setTimeout(check, options.pollIntervalMs);
  }

  /** `Hookdesk.close()`: runs once; every call answers with the same promise. */
  close(): Promise<void> {
    const { guard, extensions, dispatcher, queue, sender, options } = this.#p;
    return guard.closeOnce(async () => {
      if (this.#resumeTimer !== null) options.clock.clearTimeout(this.#resumeTimer);
      await extensions.stop();
      dispatcher.stop();
      await guard.ready.catch(() => {});
      await queue.close();
      await guard.settled();
      await sender.close();
    });
  }
}
