import type {
  DeliveryAttempt,
  DeliveryRecord,
  HookdeskStorage,
  WebhookDeliveryHealth,
  WebhookRecord,
} from '@hookdesk/storage';
import { signedHeaders } from '@hookdesk/wire';
import type { DeliveryQueue } from './delivery-queue.js';
import { reportDropped, unsendableBodyError, webhookUnavailableError } from './dropped-delivery.js';
import type { DeliveryEventBase, DropReason, HookdeskEvents } from './hookdesk-events.js';
import { type KeyRing, signingKeys } from './key-ring.js';
import { KeyedLimiter } from './keyed-limiter.js';
import type { HookdeskMetrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import {
  type AttemptResult,
  decideAfterAttempt,
  failingTooLong,
  type RetryDecision,
} from './retry-policy.js';
import type { Sender, SendResult } from './sender.js';
import { USER_AGENT } from './version.js';
import type { WebhookCache } from './webhook-cache.js';

export interface DispatcherParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  queue: DeliveryQueue;
  keyRing: KeyRing;
  webhooks: WebhookCache;
  sender: Sender;
  events: HookdeskEvents;
  metrics: HookdeskMetrics;
}

/** How an attempt was asked for. */
export type AttemptMode =
  /** From the queue: the retry schedule applies. */
  | 'scheduled'
  /** A resend or a test: one attempt, no automatic retry. */
  | 'once';

// Deliveries recorded by this process, kept so the first attempt needs no store read.
const FRESH_LIMIT = 10_000;

/** Runs attempts: signs, sends, records, and decides what comes next. */
export class Dispatcher {
  readonly #p: DispatcherParts;
  readonly #limiter: KeyedLimiter;
  readonly #fresh = new Map<string, DeliveryRecord>();
  /** Log writes still under way, by uuid: the queue entry may be readable before the log entry. */
  readonly #writing = new Map<string, Promise<void>>();
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
      // Purged, or finished before a crash removed its queue entry.
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
    // A resend's queue entry says so, before and after a restart alike; a test is always one
    // attempt (one interrupted by a crash comes back from the log, with no queue entry).
    const mode: AttemptMode = entry?.once === true || record.event === 'webhook.test' ? 'once' : 'scheduled';
    await this.attempt(record, mode, true, cached !== undefined);
  };

  /**
   * One attempt of `record`, recorded in the log and followed up in the queue. `null` when the
   * engine is closing and the attempt had not started: it stays queued for the next start.
   * `written`: `record` is what this process itself wrote to the log, so recording the attempt
   * need not read it back.
   */
  async attempt(
    record: DeliveryRecord,
    mode: AttemptMode,
    fromQueue = true,
    written = false,
  ): Promise<DeliveryRecord | null> {
    const { options, storage, queue } = this.#p;
    // Its body was over the limit when recorded and only its start is logged: nothing to send.
    if (record.bodyTooLarge !== undefined)
      return this.#drop(record, 'body_too_large', unsendableBodyError(record));
    let webhook: WebhookRecord | undefined;
    if (record.webhookId !== null) {
      webhook = await this.#p.webhooks.get(record.webhookId);
      if (!webhook || (!webhook.active && record.event !== 'webhook.test')) {
        const reason = webhook ? 'webhook_inactive' : 'webhook_deleted';
        return this.#drop(record, reason, webhookUnavailableError(record, webhook));
      }
    }
    const settings = await this.#p.keyRing.get();
    const number = record.attemptCount + 1;
    const startedAt = options.clock.now();
    const body = Buffer.from(record.body, 'utf8');
    const headers = {
      ...webhook?.headers,
      ...signedHeaders({
        event: record.event,
        uuid: record.uuid,
        attempt: number,
        timestamp: Math.floor(startedAt / 1000),
        body,
        keys: signingKeys(webhook, settings, startedAt),
        userAgent: USER_AGENT,
      }),
    };
    const release = await this.#limiter.acquire(record.webhookId ?? record.ruleId ?? record.url);
    if (this.#stopping && fromQueue) {
      release();
      return null;
    }
    // The target's URL now: an admin who fixes a broken URL expects retries and resends to use it.
    const url = webhook?.url ?? (await this.#ruleUrl(record)) ?? record.url;
    let result: SendResult;
    try {
      result = await this.#p.sender.send({ url, body, headers });
    } finally {
      release();
    }

    const now = options.clock.now();
    const policyInput: AttemptResult =
      result.error !== null || result.statusCode === null
        ? { kind: 'error', blocked: result.blocked }
        : { kind: 'response', statusCode: result.statusCode, retryAfter: result.retryAfter };
    let decision: RetryDecision = decideAfterAttempt({
      // A resend continues the attempt count but is never retried, so the count only matters here.
      attemptNumber: number,
      result: policyInput,
      policy: { schedule: options.retrySchedule, jitter: options.retryJitter },
      random: options.random(),
      nowMs: now,
    });
    if (mode === 'once' && decision.action === 'retry') decision = { action: 'fail' };

    const failed = decision.action !== 'succeed';
    let deactivateReason = decision.action === 'deactivate' ? decision.reason : null;
    if (failed && webhook && !deactivateReason) {
      const since = webhook.failingSince ?? new Date(now).toISOString();
      if (failingTooLong(since, now, options.disableAfterMs)) {
        const days = Math.round((options.disableAfterMs / 86_400_000) * 10) / 10;
        deactivateReason = `Failing without a single success for ${days} days.`;
        decision = { action: 'fail' };
      }
    }

    const attempt: DeliveryAttempt = {
      number,
      at: new Date(startedAt).toISOString(),
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      responseExcerpt: result.responseExcerpt,
      error: result.error,
      blocked: result.blocked,
    };
    const dueAt = decision.action === 'retry' ? now + decision.delayMs : null;
    const nextAttemptAt = dueAt === null ? null : new Date(dueAt).toISOString();
    const status =
      decision.action === 'succeed' ? 'succeeded' : decision.action === 'retry' ? 'pending' : 'failed';
    const updated = await storage.log.recordAttempt(
      record.uuid,
      attempt,
      {
        status,
        nextAttemptAt,
        headers,
        signature: headers['x-hookdesk-signature'],
        ...(url === record.url ? {} : { url }),
      },
      written ? record : undefined,
    );
    // The log is written first: a crash before the queue update only means one more attempt.
    if (dueAt !== null) await queue.enqueue([{ uuid: record.uuid, dueAt }]);
    else await queue.remove(record.uuid);

    if (webhook) await this.#bookkeep(webhook, !failed, now, deactivateReason);

    const outcome = result.blocked ? 'blocked' : status === 'pending' ? 'retrying' : status;
    const attributes = { event: record.event, outcome };
    this.#p.metrics.attempts.add(1, attributes);
    this.#p.metrics.latency.record(result.durationMs, attributes);
    const base = this.#base(updated, number, result.statusCode, result.durationMs);
    const log = {
      uuid: record.uuid,
      webhookId: record.webhookId,
      attempt: number,
      statusCode: result.statusCode,
    };
    if (status === 'succeeded') {
      options.logger.debug(log, 'delivery succeeded');
      this.#p.events.emit('delivery.succeeded', base);
    } else if (status === 'pending') {
      options.logger.info(
        { ...log, error: result.error, nextAttemptAt },
        'delivery attempt failed; retrying',
      );
      this.#p.events.emit('delivery.retrying', {
        ...base,
        error: result.error,
        nextAttemptAt: nextAttemptAt as string,
      });
    } else {
      options.logger.warn({ ...log, error: result.error }, 'delivery failed');
      this.#p.events.emit('delivery.failed', { ...base, error: result.error });
    }
    if (deactivateReason && webhook) {
      options.logger.warn({ webhookId: webhook.id, reason: deactivateReason }, 'webhook deactivated');
      this.#p.events.emit('webhook.deactivated', {
        webhookId: webhook.id,
        url: webhook.url,
        reason: deactivateReason,
      });
    }
    return updated;
  }

  /** Fails `record` without an attempt, the reason in its log entry, and says so (`reportDropped`). */
  async #drop(record: DeliveryRecord, reason: DropReason, error: string): Promise<DeliveryRecord> {
    const { storage, queue, options } = this.#p;
    const updated = await storage.log.setStatus(record.uuid, {
      status: 'failed',
      nextAttemptAt: null,
      error,
    });
    await queue.remove(record.uuid);
    reportDropped({ ...this.#p, logger: options.logger }, updated, reason, error);
    return updated;
  }

  /** The current action URL of the smart rule that made `record`; `undefined` when it is gone or not a rule's. */
  async #ruleUrl(record: DeliveryRecord): Promise<string | undefined> {
    if (record.ruleId === null) return undefined;
    return (await this.#p.storage.smartRules.get(record.ruleId))?.action.url;
  }

  /** Success and failure bookkeeping on the webhook; writes only when something changes. */
  async #bookkeep(
    cached: WebhookRecord,
    succeeded: boolean,
    now: number,
    deactivateReason: string | null,
  ): Promise<void> {
    const nowIso = new Date(now).toISOString();
    // One write a minute at most on the happy path; the health view needs no finer grain.
    const recent = (at: string | null) => at !== null && now - Date.parse(at) <= 60_000;
    if (succeeded && cached.failingSince === null && recent(cached.lastSuccessAt)) return;
    if (!succeeded && !deactivateReason && cached.failingSince !== null && recent(cached.lastFailureAt))
      return;
    const health = (current: WebhookRecord): WebhookDeliveryHealth | null => {
      if (succeeded) {
        if (current.failingSince === null && recent(current.lastSuccessAt)) return null;
        return { lastSuccessAt: nowIso, lastFailureAt: current.lastFailureAt, failingSince: null };
      }
      return {
        lastSuccessAt: current.lastSuccessAt,
        lastFailureAt: nowIso,
        failingSince: current.failingSince ?? nowIso,
      };
    };
    if (!deactivateReason) {
      // Only the health is written, so no admin edit, in this process or another, is undone.
      await this.#p.webhooks.updateHealth(cached.id, health);
      return;
    }
    // Deactivating changes the record itself: on the record as it is when written, in turn with
    // this process's admin edits. Rare (a 410, or days of failures).
    await this.#p.webhooks.update(cached.id, (current) => {
      const next = { ...current, ...health(current) };
      if (!current.active) return next;
      return { ...next, active: false, deactivatedReason: deactivateReason, updatedAt: nowIso };
    });
  }

  #base(
    record: DeliveryRecord,
    attempt: number,
    statusCode: number | null,
    durationMs: number,
  ): DeliveryEventBase {
    return {
      uuid: record.uuid,
      event: record.event,
      webhookId: record.webhookId,
      ruleId: record.ruleId,
      url: record.url,
      attempt,
      statusCode,
      durationMs,
    };
  }
}
