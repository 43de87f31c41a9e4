import { EventEmitter } from 'node:events';
import type { EventType } from '@hookdesk/wire';
import type { Logger } from './logger.js';

/** Who a delivery went to and which attempt this was. */
export interface DeliveryEventBase {
  uuid: string;
  event: EventType;
  webhookId: string | null;
  ruleId: string | null;
  url: string;
  /** Number of the attempt that just ended. */
  attempt: number;
  statusCode: number | null;
  durationMs: number;
}

/** Every event a Hookdesk instance emits, with its payload. Payloads never hold keys. */
export interface HookdeskEventMap {
  'delivery.succeeded': DeliveryEventBase;
  'delivery.retrying': DeliveryEventBase & { error: string | null; nextAttemptAt: string };
  'delivery.failed': DeliveryEventBase & { error: string | null };
  'webhook.deactivated': { webhookId: string; url: string; reason: string };
}

export type HookdeskEventName = keyof HookdeskEventMap;

/**
 * A typed EventEmitter. A listener that throws is logged and otherwise ignored: observers must not
 * be able to break delivery.
 */
export class HookdeskEvents {
  readonly #emitter = new EventEmitter();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  on<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#emitter.on(name, listener);
    return this;
  }

  once<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#emitter.once(name, listener);
    return this;
  }

  off<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#emitter.off(name, listener);
    return this;
  }

  emit<K extends HookdeskEventName>(name: K, payload: HookdeskEventMap[K]): void {
    for (const listener of this.#emitter.listeners(name)) {
      try {
        (listener as (p: HookdeskEventMap[K]) => void)(payload);
      } catch (error) {
        this.#logger.error({ err: error, event: name }, 'a Hookdesk event listener threw');
      }
    }
  }
}
