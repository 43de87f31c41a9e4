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

/**
 * Why a delivery was recorded `failed` without being sent (docs/admin-api.md: "A delivery that could not
 * be sent at all … is still an entry, `failed`, with the reason in `error`").
 */
export type DropReason = 'body_too_large' | 'webhook_deleted' | 'webhook_inactive';

/**
 * A delivery recorded `failed` without being sent: its body over `maxBodyBytes` when the event was
 * recorded, or its webhook deleted or inactive when its attempt (a retry, a resend) came due.
 */
export interface DeliveryDroppedEvent {
  uuid: string;
  event: EventType;
  webhookId: string | null;
  ruleId: string | null;
  url: string;
  reason: DropReason;
  /** What the log entry's `error` says: what was wrong and what to do. */
  error: string;
}

/** Every event a Hookdesk instance emits, with its payload. Payloads never hold keys. */
export interface HookdeskEventMap {
  'delivery.succeeded': DeliveryEventBase;
  'delivery.retrying': DeliveryEventBase & { error: string | null; nextAttemptAt: string };
  /** An attempt failed and none follows. */
  'delivery.failed': DeliveryEventBase & { error: string | null };
  /** A delivery failed without an attempt (see `DeliveryDroppedEvent`). */
  'delivery.dropped': DeliveryDroppedEvent;
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
