import type { DeliveryAttempt, DeliveryRecord, HookdeskStorage, WebhookRecord } from '@hookdesk/storage';
import { decideOutcome } from './attempt-outcome.js';
import { reportAttempt } from './attempt-report.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { reportDropped, unsendableBodyError, webhookUnavailableError } from './dropped-delivery.js';
import type { DropReason, HookdeskEvents } from './hookdesk-events.js';
import type { KeyRing } from './key-ring.js';
import { KeyedLimiter } from './keyed-limiter.js';
import type { HookdeskMetrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import type { Sender, SendResult } from './sender.js';
import { type SignedAttempt, signAttempt } from './sign-attempt.js';
import type { WebhookCache } from './webhook-cache.js';
import { recordWebhookHealth } from './webhook-health.js';

export interface DispatcherParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  queue: DeliveryQueue;
  keyRing: KeyRing;
  webhooks: WebhookCache;
  sender: Sender;
  events: HookdeskEvents;
  metrics: HookdeskMetrics;
  /** The current URL of a delivery no webhook owns (a smart rule's), from the extension that recorded it. */
  currentUrl(record: DeliveryRecord): Promise<string | undefined>;
}

interface AttemptOptions {
  /** A resend or a test: one attempt, no automatic retry. */
  once: boolean;
}

/** Where an attempt goes: the webhook (`undefined` for a smart rule's delivery) and the URL now. */
interface Target {
  webhook: WebhookRecord | undefined;
  url: string;
}

// Deliveries recorded by this process, kept so the first attempt needs no store read.
const FRESH_LIMIT = 10_000;

/**
 * Runs the queue's attempts, one way: the delivery is read, its target resolved, then
 * sign → send → decide → record the outcome (log, queue, webhook health) → report it.
 */
export class Dispatcher {
  readonly #p: DispatcherParts;
  readonly #limiter: KeyedLimiter;
  readonly #fresh = new Map<string, DeliveryRecord>();
  /** Log writes still under way, by uuid: the queue entry may be readable before the log entry. */
  readonly #writing = new Map<string, Promise<void>>();
  /** Callers waiting for a delivery's next outcome (a test delivery's sender), by uuid. */
  readonly #waiting = new Map<string, ((record: DeliveryRecord) => void)[]>();
  #stopping = false;

  constructor(parts: DispatcherParts) {
    this.#p = parts;
    this.#limiter = new KeyedLimiter(parts.options.concurrencyPerWebhook);
  }

  /**
   * Deliveries being recorded now: `written` settles when the log holds them. The log and the
   * queue are written at once (one commit's latency instead of two), so an attempt waits for it.
   */
  remember(records: readonly DeliveryRecord[], written: Promise<void>): void {
    const settled = written.then(
      () => {},
      () => {},
    );
    for (const record of records) {
      this.#writing.set(record.uuid, written);
      settled.then(() => this.#writing.delete(record.uuid));
      if (this.#fresh.size < FRESH_LIMIT) this.#fresh.set(record.uuid, record);
    }
  }

  /**
   * Resolves with the log entry once this process has run `uuid`'s next attempt (or failed it
   * unsent). Register before enqueueing; `cancel` when the wait is given up.
   */
  nextOutcome(uuid: string): { outcome: Promise<DeliveryRecord>; cancel: () => void } {
    let resolve!: (record: DeliveryRecord) => void;
    const outcome = new Promise<DeliveryRecord>((r) => {
      resolve = r;
    });
    const list = this.#waiting.get(uuid) ?? [];
    list.push(resolve);
    this.#waiting.set(uuid, list);
    const cancel = () => {
      const left = (this.#waiting.get(uuid) ?? []).filter((r) => r !== resolve);
      if (left.length > 0) this.#waiting.set(uuid, left);
      else this.#waiting.delete(uuid);
    };
    return { outcome, cancel };
  }

  /** From now on, attempts from the queue that have not started sending stay queued. */
  stop(): void {
    this.#stopping = true;
  }

  /** The queue's handler. */
  handle = async (uuid: string, entry?: { once?: boolean }): Promise<void> => {
    const { queue, storage } = this.#p;
    const writing = this.#writing.get(uuid);
    if (writing) {
      try {
        await writing;
      } catch {
        // The log write failed and the host was told so: this entry has nothing behind it.
        this.#fresh.delete(uuid);
        await queue.remove(uuid);
        return;
      }
    }
    const cached = this.#fresh.get(uuid);
    this.#fresh.delete(uuid);
    const record = cached ?? (await storage.log.get(uuid));
    if (record?.status !== 'pending') {
      // Purged, or finished before a crash removed its queue entry. The crash may also have come
      // between its record and its index (a worker killed mid-settle): put its entries right.
      if (record) await storage.log.reindex(record);
      await queue.remove(uuid);
      return;
    }
    const settings = await this.#p.keyRing.get();
    if (!settings.active) {
      // Due deliveries wait while the global switch is off; switching on resumes the queue.
      if (cached) this.#fresh.set(uuid, cached);
      queue.pause();
      return;
    }
    // A resend's queue entry says so, before and after a restart alike; a test is always one attempt.
    const once = entry?.once === true || record.event === 'webhook.test';
    const updated = await this.#attempt(record, { once });
    if (updated) this.#settle(updated);
  };

  /** One attempt of `record`; `null` when the engine is closing and it had not started (it stays queued). */
  async #attempt(record: DeliveryRecord, options: AttemptOptions): Promise<DeliveryRecord | null> {
    // Its body was over the limit when recorded and only its start is logged: nothing to send.
    if (record.bodyTooLarge !== undefined)
      return this.#drop(record, 'body_too_large', unsendableBodyError(record));
    let webhook = record.webhookId === null ? undefined : await this.#p.webhooks.get(record.webhookId);
    const unavailable = (w: typeof webhook) => !w || (!w.active && record.event !== 'webhook.test');
    // Dropping is for good: check the store, not only this process's cache, before deciding.
    if (record.webhookId !== null && unavailable(webhook))
      webhook = await this.#p.webhooks.fresh(record.webhookId);
    if (record.webhookId !== null && unavailable(webhook)) {
      const reason = webhook ? 'webhook_inactive' : 'webhook_deleted';
      return this.#drop(record, reason, webhookUnavailableError(record, webhook));
    }
    const number = record.attemptCount + 1;
    const startedAt = this.#p.options.clock.now();
    const signed = signAttempt(record, webhook, await this.#p.keyRing.get(), number, startedAt);
    const key = record.webhookId ?? record.ruleId ?? record.url;
    const release = await this.#limiter.acquire(key);
    let releaseShared: (() => Promise<void>) | undefined;
    let result: SendResult;
    let target: Target;
    try {
      releaseShared = await this.#sharedSlot(key);
      if (this.#stopping) return null;
      target = { webhook, url: await this.#currentUrl(record, webhook) };
      result = await this.#p.sender.send({ url: target.url, body: signed.body, headers: signed.headers });
    } finally {
      release();
      releaseShared?.().catch((error: unknown) =>
        this.#p.options.logger.error(
          { err: error, key },
          'Hookdesk could not release a webhook slot; it frees itself',
        ),
      );
    }
    return this.#recordOutcome(record, { number, startedAt, signed, result, target, ...options });
  }

  /** Decides what follows the attempt and records it: the log first, then the queue, then the webhook. */
  async #recordOutcome(
    record: DeliveryRecord,
    attempt: AttemptOptions & {
      number: number;
      startedAt: number;
      signed: SignedAttempt;
      result: SendResult;
      target: Target;
    },
  ): Promise<DeliveryRecord> {
    const { options, storage, queue } = this.#p;
    const { number, result, signed, target } = attempt;
    const now = options.clock.now();
    const decision = decideOutcome({
      result,
      number,
      once: attempt.once,
      failingSince: target.webhook?.failingSince,
      policy: { schedule: options.retrySchedule, jitter: options.retryJitter },
      disableAfterMs: options.disableAfterMs,
      random: options.random(),
      nowMs: now,
    });
    const logged: DeliveryAttempt = {
      number,
      at: new Date(attempt.startedAt).toISOString(),
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      responseExcerpt: result.responseExcerpt,
      error: result.error,
      blocked: result.blocked,
      // This attempt's own request headers (its timestamp, signatures, attempt number), in the
      // record write that exists anyway.
      headers: signed.headers,
    };
    const updated = await storage.log.recordAttempt(
      record.uuid,
      logged,
      {
        status: decision.status,
        nextAttemptAt: decision.dueAt === null ? null : new Date(decision.dueAt).toISOString(),
        headers: signed.headers,
        signature: signed.headers['x-hookdesk-signature'],
        ...(target.url === record.url ? {} : { url: target.url }),
      },
      // As this attempt read it (or this process wrote it): one process attempts a delivery at a
      // time, so reading it back before the write would cost a round trip and find the same.
      record,
    );
    // The log is written first: a crash before the queue update only means one more attempt.
    if (decision.dueAt !== null) await queue.enqueue([{ uuid: record.uuid, dueAt: decision.dueAt }]);
    else await queue.remove(record.uuid);
    const { webhook } = target;
    if (webhook) {
      await recordWebhookHealth(this.#p.webhooks, webhook, {
        succeeded: decision.status === 'succeeded',
        nowMs: now,
        deactivateReason: decision.deactivateReason,
      });
    }
    reportAttempt(
      { events: this.#p.events, metrics: this.#p.metrics, logger: options.logger },
      {
        record: updated,
        number,
        result,
        status: decision.status,
        deactivated:
          webhook && decision.deactivateReason
            ? { webhookId: webhook.id, url: webhook.url, reason: decision.deactivateReason }
            : null,
      },
    );
    return updated;
  }

  /** The per-webhook bound across processes, when the queue keeps one (`DeliveryQueue.acquireSlot`). */
  #sharedSlot(key: string): Promise<(() => Promise<void>) | undefined> {
    const { queue, options } = this.#p;
    if (!queue.acquireSlot) return Promise.resolve(undefined);
    // Held for at most one attempt: connecting, the deadline, and a margin.
    const holdMs = options.connectTimeoutMs + options.timeoutMs + 5_000;
    return queue.acquireSlot(key, options.concurrencyPerWebhook, holdMs);
  }

  /** Fails `record` without an attempt, the reason in its log entry, and says so (`reportDropped`). */
  async #drop(record: DeliveryRecord, reason: DropReason, error: string): Promise<DeliveryRecord> {
    const { storage, queue, options } = this.#p;
    const updated = await storage.log.setStatus(record.uuid, {
      status: 'failed',
      nextAttemptAt: null,
      error,
      // The hour its failure counts in (`stats`), on the engine's clock like an attempt's `at`.
      settledAt: new Date(options.clock.now()).toISOString(),
    });
    await queue.remove(record.uuid);
    reportDropped(
      { events: this.#p.events, metrics: this.#p.metrics, logger: options.logger },
      updated,
      reason,
      error,
    );
    return updated;
  }

  /**
   * The target's URL now: an admin who fixes a broken URL expects retries and resends to use it.
   * A smart rule's delivery goes to the rule's current action URL, or the recorded one once the rule is gone.
   */
  async #currentUrl(record: DeliveryRecord, webhook: WebhookRecord | undefined): Promise<string> {
    if (webhook) return webhook.url;
    if (record.ruleId === null) return record.url;
    return (await this.#p.currentUrl(record)) ?? record.url;
  }

  #settle(record: DeliveryRecord): void {
    const waiting = this.#waiting.get(record.uuid);
    if (!waiting) return;
    this.#waiting.delete(record.uuid);
    for (const resolve of waiting) resolve(record);
  }
}
