import { randomUUID } from 'node:crypto';
import type {
  DeliveryRecord,
  HookdeskStorage,
  LogFilter,
  LogPage,
  LogPageRequest,
  WebhookRecord,
} from '@hookdesk/storage';
import { computeChanges, generateKey, keyPreview, type Ticket, type TicketChanges } from '@hookdesk/wire';
import type { ExtensionAdminRoute } from './admin/admin-routes.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { Dispatcher } from './dispatcher.js';
import { bodyTooLargeError, reportDropped, unsentDelivery } from './dropped-delivery.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import {
  createEventTemplate,
  type DeliveryTarget,
  pendingDelivery,
  type SharedEventBody,
} from './event-body.js';
import { assertEventId, deliveryUuidFor } from './event-id.js';
import type { ExtensionContext, HookdeskExtension, TicketEvent, TicketEventListener } from './extension.js';
import { type HookdeskEventMap, type HookdeskEventName, HookdeskEvents } from './hookdesk-events.js';
import { KeyRing, retire, rotated } from './key-ring.js';
import { createMetrics, type HookdeskMetrics } from './metrics.js';
import { type HookdeskOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { parseInput } from './parse-input.js';
import { Sender } from './sender.js';
import { type AddressGuard, createAddressGuard, urlProblem } from './ssrf-guard.js';
import { StorageDeliveryQueue } from './storage-delivery-queue.js';
import { WebhookCache } from './webhook-cache.js';
import { webhookCreateSchema, webhookPatchSchema } from './webhook-schema.js';
import { successRate, toWebhook, type Webhook, type WebhookWithHealth } from './webhook-view.js';

/** `GET M/api/settings`. */
export interface Settings {
  active: boolean;
  keyPreview: string;
}

export interface RotatedKey {
  key: string;
  previousKeyValidUntil: string;
}

export interface ResendResult {
  uuid: string;
  status: 'queued' | 'not_found';
}

/** Options of `ticketCreated`. */
export interface TicketEventOptions {
  /** When the event happened (the body's `created_at`). Default: now. */
  createdAt?: Date | string;
  /**
   * The host's idempotency key for this event (an outbox row id, say; at most 200 characters). Each
   * delivery's uuid is derived from it and the target, so recording the same event again (an outbox
   * drained after a crash) records nothing new and resolves with the same uuids. Default: none
   * (new uuids each call).
   */
  eventId?: string;
}

/** Options of `ticketUpdated`. */
export interface TicketUpdateOptions extends TicketEventOptions {
  /** The ticket before the change; `changes` is computed from it. */
  previous?: Ticket | null;
  /** Given changes win over computed ones. */
  changes?: TicketChanges;
}

/** What `emit` takes per event. `createdAt` defaults to now. */
export interface EmitPayloads {
  'ticket.created': { ticket: Ticket } & TicketEventOptions;
  'ticket.updated': { ticket: Ticket } & TicketUpdateOptions;
  /** A smart rule fired: one delivery to the rule's action URL, logged with `ruleId`. */
  'smart_rule.triggered': {
    ticket: Ticket;
    rule: { id: string; name: string; url: string };
    createdAt?: Date | string;
    /**
     * The delivery's uuid (lowercase, as `crypto.randomUUID()` returns). Default: a new one. Smart
     * rules pass their firing id, so a firing recorded again after a crash has the same uuid; a uuid
     * the log holds already records nothing new.
     */
    uuid?: string;
  };
}

/** Most deliveries one resend by filter queues. */
export const MAX_RESEND = 1000;

/** Added to the longest attempt before a test delivery's sender stops waiting for its outcome. */
const TEST_OUTCOME_SLACK_MS = 5_000;

/** How many recent deliveries the webhook health view looks at. */
const HEALTH_WINDOW = 50;

/**
 * The Hookdesk engine: records ticket events as signed deliveries, sends and retries them, and
 * offers every operation the admin API needs. Create it with `createHookdesk`.
 */
export class Hookdesk {
  readonly #o: ResolvedOptions;
  readonly #storage: HookdeskStorage;
  readonly #queue: DeliveryQueue;
  readonly #keyRing: KeyRing;
  readonly #webhooks: WebhookCache;
  readonly #sender: Sender;
  readonly #events: HookdeskEvents;
  readonly #metrics: HookdeskMetrics;
  readonly #guard: AddressGuard;
  readonly #dispatcher: Dispatcher;
  readonly #listeners: TicketEventListener[] = [];
  readonly #extensions: HookdeskExtension[] = [];
  #adminRoutes: readonly ExtensionAdminRoute[] = [];
  #started = false;
  readonly #ready: Promise<void>;
  readonly #direct = new Set<Promise<unknown>>();
  #closing: Promise<void> | null = null;
  #resumeTimer: unknown = null;

  constructor(options: HookdeskOptions) {
    const o = resolveOptions(options);
    this.#o = o;
    this.#storage = o.storage;
    this.#guard = createAddressGuard({
      allowPrivateNetworks: o.allowPrivateNetworks,
      allowCidrs: o.allowCidrs,
    });
    this.#events = new HookdeskEvents(o.logger);
    this.#metrics = createMetrics(o.meterProvider);
    this.#keyRing = new KeyRing(o.storage.settings, o.clock, o.cacheMs);
    this.#webhooks = new WebhookCache(o.storage.webhooks, o.clock, o.cacheMs);
    this.#queue =
      o.queue ??
      new StorageDeliveryQueue(o.storage.queue, {
        clock: o.clock,
        concurrency: o.concurrency,
        pollIntervalMs: o.pollIntervalMs,
        logger: o.logger,
      });
    this.#sender = new Sender({
      connectTimeoutMs: o.connectTimeoutMs,
      timeoutMs: o.timeoutMs,
      maxResponseBytes: o.maxResponseBytes,
      guard: this.#guard,
      resolve: o.resolve,
      clock: o.clock,
    });
    this.#dispatcher = new Dispatcher({
      options: o,
      storage: o.storage,
      queue: this.#queue,
      keyRing: this.#keyRing,
      webhooks: this.#webhooks,
      sender: this.#sender,
      events: this.#events,
      metrics: this.#metrics,
      currentUrl: (record) => this.#extensionUrl(record),
    });
    this.#ready = this.#start();
    // Surfaced by every call that awaits it; this only keeps an unobserved failure from crashing the host.
    this.#ready.catch(() => {});
  }

  async #start(): Promise<void> {
    const settings = await this.#keyRing.get({ fresh: true });
    // Loaded now so the first event does not pay for reading every webhook.
    await this.#webhooks.list();
    // Every process starts its extensions (smart rules sweep in each: their claims make a second
    // sweeper of a ticket send nothing).
    this.#started = true;
    if (!this.#closing) for (const extension of this.#extensions) extension.start?.();
    if (!this.#o.process) return;
    await this.#recover();
    if (!settings.active) this.#queue.pause();
    this.#queue.start(this.#dispatcher.handle);
    this.#watchSwitch();
  }

  /**
   * Puts back in the queue every pending delivery the log holds, at its next attempt time. Covers a
   * crash between writing the log and the queue; bounded so a huge backlog cannot stall start-up.
   */
  async #recover(): Promise<void> {
    const uuids = await this.#storage.log.uuids({ status: 'pending' }, 10_000);
    const entries = [];
    for (const uuid of uuids) {
      const record = await this.#storage.log.get(uuid);
      if (record?.status !== 'pending') continue;
      entries.push({ uuid, dueAt: Date.parse(record.nextAttemptAt ?? record.createdAt) });
    }
    if (entries.length === 0) return;
    // Through the queue like every delivery, so a custom DeliveryQueue holds recovered ones too.
    await this.#queue.enqueue(entries);
    this.#o.logger.info({ count: entries.length }, 'pending deliveries re-queued');
  }

  /** Look every `pollIntervalMs` whether another process turned the switch on (or off). */
  #watchSwitch(): void {
    const check = async () => {
      this.#resumeTimer = null;
      if (this.#closing) return;
      try {
        const settings = await this.#keyRing.get();
        if (settings.active) this.#queue.resume();
        else this.#queue.pause();
      } catch (error) {
        this.#o.logger.error({ err: error }, 'Hookdesk could not read its settings');
      }
      if (!this.#closing) this.#resumeTimer = this.#o.clock.setTimeout(check, this.#o.pollIntervalMs);
    };
    this.#resumeTimer = this.#o.clock.setTimeout(check, this.#o.pollIntervalMs);
  }

  /** Resolves once settings exist (a key is generated on first start) and the queue runs. */
  ready(): Promise<void> {
    return this.#ready;
  }

  // ---- host API ---------------------------------------------------------------------------

  /**
   * Records a `ticket.created` delivery for every matching webhook and a `smart_rule.triggered` one
   * for every smart rule the ticket comes to match; resolves with their uuids once stored. An event
   * whose body is over `maxBodyBytes` is recorded too, as `failed` entries that say why (it is
   * never sent). See "Recording events: the host's side" in the README for `eventId`.
   */
  async ticketCreated(ticket: Ticket, options: TicketEventOptions = {}): Promise<string[]> {
    const { createdAt, eventId } = options;
    assertEventId(eventId);
    return this.#ticketEvent(
      'ticket.created',
      { ticket, createdAt, eventId },
      { type: 'ticket.created', ticket, at: Date.parse(this.#eventTime(createdAt)), eventId },
    );
  }

  /**
   * Records a `ticket.updated` delivery for every matching webhook, and a `smart_rule.triggered` one
   * for every smart rule the update makes fire. With `previous`, the body carries `changes` for each
   * top-level field that changed (change conditions read them too).
   */
  async ticketUpdated(ticket: Ticket, options: TicketUpdateOptions = {}): Promise<string[]> {
    assertEventId(options.eventId);
    const changes =
      options.changes ?? (options.previous ? computeChanges(options.previous, ticket) : undefined);
    return this.#ticketEvent(
      'ticket.updated',
      { ticket, ...options, changes },
      {
        type: 'ticket.updated',
        ticket,
        changes,
        at: Date.parse(this.#eventTime(options.createdAt)),
        eventId: options.eventId,
      },
    );
  }

  /**
   * The webhook deliveries and the listeners (`onTicketEvent`: smart rules) of one ticket event,
   * side by side: neither needs the other's result, and on the embedded store their writes then
   * share commits, so the host waits for one disk flush instead of several in a row.
   */
  async #ticketEvent<E extends 'ticket.created' | 'ticket.updated'>(
    event: E,
    payload: EmitPayloads[E],
    ruleEvent: TicketEvent,
  ): Promise<string[]> {
    assertTicket(payload.ticket);
    const [deliveries, ...heard] = await Promise.allSettled([
      this.emit(event, payload),
      ...this.#listeners.map((listener) => listener(ruleEvent)),
    ]);
    // Both fail on a ticket JSON cannot hold; the deliveries' error names `ticket`, where a
    // listener's store write would report an outage. Whichever settles first must not decide which is seen.
    if (deliveries.status === 'rejected') throw deliveries.reason;
    let uuids = deliveries.value;
    for (const result of heard) {
      if (result.status === 'rejected') throw result.reason;
      if (result.value.length > 0) uuids = [...uuids, ...result.value];
    }
    return uuids;
  }

  /** Records the deliveries of any event; resolves with their uuids once the log and the queue hold them. */
  async emit<E extends keyof EmitPayloads>(event: E, payload: EmitPayloads[E]): Promise<string[]> {
    this.#assertOpen();
    const input = payload as EmitPayloads[keyof EmitPayloads];
    if (!input || typeof input !== 'object')
      throw new TypeError('`payload` must be an object holding `ticket`.');
    assertTicket(input.ticket);
    const createdAt = this.#eventTime(input.createdAt);
    await this.#ready;
    const settings = await this.#keyRing.get();
    // Switch off: nothing is created, and nothing is made up later (docs/admin-api.md, "The global switch").
    if (!settings.active) return [];

    let shared: SharedEventBody;
    let targets: DeliveryTarget[];
    if (event === 'smart_rule.triggered') {
      const { rule, ticket, uuid } = input as EmitPayloads['smart_rule.triggered'];
      if (
        !rule ||
        typeof rule.id !== 'string' ||
        typeof rule.name !== 'string' ||
        typeof rule.url !== 'string'
      ) {
        throw new TypeError('`rule` must be { id, name, url } of the smart rule that fired.');
      }
      shared = { event, created_at: createdAt, ticket, smart_rule: { id: rule.id, name: rule.name } };
      // pendingDelivery takes the target's uuid (it checks the form: a TypeError naming `uuid`).
      targets = [{ webhookId: null, ruleId: rule.id, url: rule.url, uuid }];
    } else if (event === 'ticket.created' || event === 'ticket.updated') {
      const { eventId } = input as TicketEventOptions;
      assertEventId(eventId);
      const webhooks = (await this.#webhooks.list()).filter((w) => w.active && w.events.includes(event));
      if (webhooks.length === 0) return [];
      if (event === 'ticket.updated') {
        const { ticket, previous, changes } = input as EmitPayloads['ticket.updated'];
        const computed = changes ?? (previous ? computeChanges(previous, ticket) : undefined);
        shared = computed
          ? { event, created_at: createdAt, ticket, changes: computed }
          : { event, created_at: createdAt, ticket };
      } else {
        shared = { event, created_at: createdAt, ticket: input.ticket };
      }
      targets = webhooks.map((w) => {
        const target = { webhookId: w.id, ruleId: null, url: w.url };
        return eventId === undefined ? target : { ...target, uuid: deliveryUuidFor(eventId, target) };
      });
    } else {
      throw new TypeError(
        `\`event\` must be ticket.created, ticket.updated or smart_rule.triggered, got ${String(event)}.`,
      );
    }
    return this.#record(shared, targets);
  }

  /**
   * One delivery per target, in the log and the queue; resolves with their uuids (given ones that
   * the log holds already included). An event whose body is over `maxBodyBytes` is recorded as
   * `failed` entries that say why, sent to no one (docs/admin-api.md, "LogSummary").
   */
  async #record(shared: SharedEventBody, targets: readonly DeliveryTarget[]): Promise<string[]> {
    const template = createEventTemplate(shared);
    const all = targets.map((target) => ({ ...target, uuid: target.uuid ?? randomUUID() }));
    // A given uuid (an eventId's, a smart-rule firing's) may be logged already: recording the event
    // again records nothing new, and never turns a delivery that went out back into a pending one.
    const logged = targets.some((target) => target.uuid !== undefined)
      ? await Promise.all(all.map((target) => this.#storage.log.get(target.uuid)))
      : [];
    const fresh = all.filter((_, at) => logged[at] === undefined);
    const uuids = all.map((target) => target.uuid);
    if (fresh.length === 0) return uuids;
    const limit = this.#o.maxBodyBytes;
    if (template.byteLength > limit) {
      const error = bodyTooLargeError(shared, template.byteLength, limit);
      const records = fresh.map((target) => unsentDelivery(template, target, error, limit));
      await this.#storage.log.create(records);
      this.#metrics.deliveries.add(records.length, { event: template.event });
      const parts = { events: this.#events, metrics: this.#metrics, logger: this.#o.logger };
      for (const record of records) reportDropped(parts, record, 'body_too_large', error);
      return uuids;
    }
    const records = fresh.map((target) => pendingDelivery(template, target));
    // Log and queue are written at once; an attempt waits for the log write (Dispatcher.remember),
    // and a pending log entry whose queue write was lost is re-queued at start-up (#recover).
    const written = this.#storage.log.create(records);
    this.#dispatcher.remember(records, written);
    const dueAt = this.#o.clock.now();
    await Promise.all([
      written,
      this.#queue.enqueue(
        records.map((r) => ({ uuid: r.uuid, dueAt })),
        { fresh: true },
      ),
    ]);
    this.#metrics.deliveries.add(records.length, { event: template.event });
    return uuids;
  }

  #eventTime(value: Date | string | undefined): string {
    if (value === undefined) return new Date(this.#o.clock.now()).toISOString();
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime()))
      throw new TypeError('`createdAt` must be a Date or an ISO 8601 string.');
    return date.toISOString();
  }

  // ---- settings and key ---------------------------------------------------------------------

  async getSettings(): Promise<Settings> {
    await this.#ready;
    const settings = await this.#keyRing.get({ fresh: true });
    return { active: settings.active, keyPreview: keyPreview(settings.key) };
  }

  /** The global "Webhook Active" switch. Off: events create nothing, due retries wait. */
  async setActive(active: boolean): Promise<Settings> {
    if (typeof active !== 'boolean')
      throw new ValidationError('`active` must be true or false.', [
        { path: 'active', message: 'Use true or false.' },
      ]);
    await this.#ready;
    const settings = await this.#keyRing.get({ fresh: true });
    const next = { ...settings, active, updatedAt: new Date(this.#o.clock.now()).toISOString() };
    await this.#keyRing.put(next);
    if (active) this.#queue.resume();
    else this.#queue.pause();
    return { active, keyPreview: keyPreview(next.key) };
  }

  /** The full account key, for an admin to copy into a receiver. */
  async revealKey(): Promise<{ key: string }> {
    await this.#ready;
    return { key: (await this.#keyRing.get({ fresh: true })).key };
  }

  /** A new account key; the previous one keeps signing `webhook-signature` for the grace period. */
  async rotateKey(): Promise<RotatedKey> {
    await this.#ready;
    const now = this.#o.clock.now();
    const next = rotated(
      await this.#keyRing.get({ fresh: true }),
      generateKey(),
      now,
      this.#o.keyGracePeriodMs,
    );
    await this.#keyRing.put(next);
    return {
      key: next.key,
      previousKeyValidUntil: (next.previousKeys[0] as { validUntil: string }).validUntil,
    };
  }

  // ---- webhooks -----------------------------------------------------------------------------

  async listWebhooks(): Promise<Webhook[]> {
    await this.#ready;
    return (await this.#storage.webhooks.list()).map(toWebhook);
  }

  async getWebhook(id: string): Promise<WebhookWithHealth> {
    await this.#ready;
    const record = await this.#webhookOr404(id);
    const recent = await this.#storage.log.list({ webhookId: id, limit: HEALTH_WINDOW });
    return {
      ...toWebhook(record),
      health: {
        successRate: successRate(recent.items.map((i) => i.status)),
        lastFailureAt: record.lastFailureAt,
      },
    };
  }

  /**
   * Creates a webhook. With `key: "generate"` the answer carries the generated `key`, this once
   * (docs/admin-api.md, "Webhook"); after that only `revealWebhookKey` shows it.
   */
  async createWebhook(input: unknown): Promise<Webhook & { key?: string }> {
    await this.#ready;
    const parsed = parseInput(webhookCreateSchema, input, 'webhook');
    await this.#checkUrl(parsed.url);
    const now = new Date(this.#o.clock.now()).toISOString();
    const generated = parsed.key === 'generate' ? generateKey() : undefined;
    const record: WebhookRecord = {
      id: randomUUID(),
      url: parsed.url,
      events: parsed.events,
      active: parsed.active,
      name: parsed.name,
      description: parsed.description,
      headers: parsed.headers,
      key: generated ?? (parsed.key as string | null),
      createdAt: now,
      updatedAt: now,
      deactivatedReason: null,
      lastSuccessAt: null,
      lastFailureAt: null,
      failingSince: null,
    };
    await this.#webhooks.put(record);
    return withGeneratedKey(toWebhook(record), generated);
  }

  /** Edits a webhook; with `key: "generate"` the answer carries the generated `key`, this once. */
  async updateWebhook(id: string, input: unknown): Promise<Webhook & { key?: string }> {
    await this.#ready;
    const patch = parseInput(webhookPatchSchema, input, 'change');
    const before = await this.#webhookOr404(id);
    if (patch.url !== undefined && patch.url !== before.url) await this.#checkUrl(patch.url);
    const newKey = patch.key === 'generate' ? generateKey() : patch.key;
    // A webhook that leaves the account key keeps it for the grace period, like its own key.
    const accountKey = newKey !== undefined ? (await this.#keyRing.get({ fresh: true })).key : undefined;
    // Applied to the record as it is when written, in turn with the delivery bookkeeping.
    const updated = await this.#webhooks.update(id, (current) => {
      const now = this.#o.clock.now();
      const next: WebhookRecord = { ...current, updatedAt: new Date(now).toISOString() };
      if (patch.url !== undefined) next.url = patch.url;
      if (patch.events !== undefined) next.events = patch.events;
      if (patch.name !== undefined) next.name = patch.name;
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.headers !== undefined) next.headers = patch.headers;
      if (newKey !== undefined && newKey !== current.key) {
        // The key that signed until now keeps signing `webhook-signature` for the grace period,
        // so receivers can switch keys without failing deliveries meanwhile (docs/wire.md, "Key").
        const signedUntilNow = current.key ?? (accountKey as string);
        next.key = newKey;
        if (signedUntilNow !== newKey)
          next.previousKeys = retire(current.previousKeys, signedUntilNow, now, this.#o.keyGracePeriodMs);
      }
      if (patch.active !== undefined) {
        next.active = patch.active;
        // Reactivating starts afresh: the old failure run no longer counts towards auto-deactivation.
        if (patch.active && !current.active)
          Object.assign(next, { deactivatedReason: null, failingSince: null });
      }
      return next;
    });
    if (!updated) throw notFoundWebhook(id);
    return withGeneratedKey(toWebhook(updated), patch.key === 'generate' ? newKey : undefined);
  }

  /**
   * The webhook's own key, for an admin to copy into its receiver (`GET M/api/webhooks/:id/key`).
   * @throws NotFoundError for an unknown id, and for a webhook that signs with the account key.
   */
  async revealWebhookKey(id: string): Promise<{ key: string }> {
    await this.#ready;
    const record = await this.#webhookOr404(id);
    if (record.key === null) {
      throw new NotFoundError(
        `The webhook ${id} has no key of its own: it signs with the account key (GET /api/settings/key).`,
      );
    }
    return { key: record.key };
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.#ready;
    if (!(await this.#webhooks.delete(id))) throw notFoundWebhook(id);
  }

  /** Sends a signed `webhook.test` delivery now and answers with its log entry. */
  async testWebhook(id: string): Promise<DeliveryRecord> {
    this.#assertOpen();
    await this.#ready;
    await this.#assertActive('send a test');
    const webhook = await this.#webhookOr404(id);
    const template = createEventTemplate({
      event: 'webhook.test',
      created_at: new Date(this.#o.clock.now()).toISOString(),
      webhook: { id: webhook.id, name: webhook.name },
    });
    const record = pendingDelivery(template, { webhookId: webhook.id, ruleId: null, url: webhook.url });
    const { outcome, cancel } = this.#dispatcher.nextOutcome(record.uuid);
    try {
      const written = this.#storage.log.create([record]);
      this.#dispatcher.remember([record], written);
      await written;
      this.#metrics.deliveries.add(1, { event: 'webhook.test' });
      // Through the queue like every delivery; answered once its one attempt is recorded.
      await this.#queue.enqueue([{ uuid: record.uuid, dueAt: this.#o.clock.now(), once: true }]);
      return await this.#track(this.#testOutcome(record.uuid, outcome));
    } finally {
      cancel();
    }
  }

  /**
   * A test delivery's log entry once its attempt is recorded: told by this process's dispatcher,
   * or read from the log when another process delivers (`process: false`, a shared queue). After
   * the longest an attempt can take, the entry as it stands (still `pending`, due in the queue).
   */
  async #testOutcome(uuid: string, here: Promise<DeliveryRecord>): Promise<DeliveryRecord> {
    const { clock, pollIntervalMs, connectTimeoutMs, timeoutMs } = this.#o;
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
      const record = await this.#storage.log.get(uuid);
      if (record && (record.status !== 'pending' || clock.now() >= deadline || this.#closing)) return record;
      if (!record) throw new NotFoundError(`The test delivery ${uuid} is no longer in the log.`);
    }
  }

  async #checkUrl(url: string): Promise<void> {
    const problem = await urlProblem(new URL(url), this.#guard, this.#o.resolve);
    if (problem) {
      throw new ValidationError(
        `Hookdesk does not send to private or local addresses (${problem}). Use a public URL, or allow it with \`allowPrivateNetworks\` or \`allowCidrs\`.`,
        [{ path: 'url', message: problem }],
      );
    }
  }

  async #webhookOr404(id: string): Promise<WebhookRecord> {
    const record = typeof id === 'string' ? await this.#storage.webhooks.get(id) : undefined;
    if (!record) throw notFoundWebhook(id);
    return record;
  }

  // ---- extensions -------------------------------------------------------------------------

  /**
   * Subscribes to every ticket event the host records (`ticketCreated`, `ticketUpdated`, the
   * adapters' hooks): the one way a package such as `@hookdesk/smart-rules` hears them. Listeners
   * run side by side with the webhook deliveries; see `TicketEventListener`. Returns the unsubscribe.
   */
  onTicketEvent(listener: TicketEventListener): () => void {
    if (typeof listener !== 'function')
      throw new TypeError('`listener` must be a function (event) => uuids.');
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }

  /**
   * Installs an extension: `setup` receives what the engine lends it (`ExtensionContext`) and
   * returns its lifecycle, admin routes and URL lookup (`HookdeskExtension`). Its `start` runs once
   * the engine has started (at once if it has), its `stop` first thing in `close()`.
   * @throws TypeError when an extension of that name is installed already.
   */
  extend<E extends HookdeskExtension>(setup: (context: ExtensionContext) => E): E {
    this.#assertOpen();
    const extension = setup(this.#extensionContext());
    if (!extension || typeof extension.name !== 'string' || extension.name.length === 0) {
      throw new TypeError('An extension must have a `name`.');
    }
    if (this.#extensions.some((e) => e.name === extension.name)) {
      throw new TypeError(`The extension ${extension.name} is installed on this Hookdesk already.`);
    }
    this.#extensions.push(extension);
    if (extension.adminRoutes) this.#adminRoutes = [...this.#adminRoutes, ...extension.adminRoutes];
    if (this.#started) extension.start?.();
    return extension;
  }

  /** The admin routes installed extensions add; `hookdeskAdmin(hookdesk)` serves them. */
  adminRoutes(): readonly ExtensionAdminRoute[] {
    return this.#adminRoutes;
  }

  #extensionContext(): ExtensionContext {
    const o = this.#o;
    return {
      storage: this.#storage,
      clock: o.clock,
      logger: o.logger,
      cacheMs: o.cacheMs,
      urlProblem: (url) => urlProblem(new URL(url), this.#guard, o.resolve),
      deliveryUuid: deliveryUuidFor,
      assertOpen: () => this.#assertOpen(),
    };
  }

  async #extensionUrl(record: DeliveryRecord): Promise<string | undefined> {
    for (const extension of this.#extensions) {
      const url = await extension.currentUrl?.(record);
      if (url !== undefined) return url;
    }
    return undefined;
  }

  // ---- log ----------------------------------------------------------------------------------

  /** Newest first, a page at a time. */
  async listLogs(request: LogPageRequest = {}): Promise<LogPage> {
    await this.#ready;
    return this.#storage.log.list(request);
  }

  async getLog(uuid: string): Promise<DeliveryRecord> {
    await this.#ready;
    const record = await this.#storage.log.get(uuid);
    if (!record)
      throw new NotFoundError(`No delivery has the uuid ${uuid}; check the id or the log's retention.`);
    return record;
  }

  /**
   * Queues one new attempt, now, of each delivery (same uuid and body, the count continues, no
   * automatic retry). At most `MAX_RESEND` by filter.
   */
  async resend(request: { ids: readonly string[] } | { filter: LogFilter }): Promise<ResendResult[]> {
    this.#assertOpen();
    await this.#ready;
    await this.#assertActive('resend deliveries');
    let ids: readonly string[];
    if ('ids' in request && Array.isArray(request.ids)) ids = request.ids;
    else if ('filter' in request && request.filter && typeof request.filter === 'object') {
      ids = await this.#storage.log.uuids(request.filter, MAX_RESEND);
    } else throw new TypeError('`resend` takes { ids: [uuid, …] } or { filter: { … } }.');

    const now = this.#o.clock.now();
    const results: ResendResult[] = [];
    const queued: { uuid: string; dueAt: number; once: true }[] = [];
    for (const uuid of ids) {
      const record = await this.#storage.log.get(uuid);
      if (!record) {
        results.push({ uuid, status: 'not_found' });
        continue;
      }
      await this.#storage.log.setStatus(uuid, {
        status: 'pending',
        nextAttemptAt: new Date(now).toISOString(),
        // The attempt (or the dispatcher's refusal, for a body over the limit) gives the new outcome.
        error: null,
      });
      queued.push({ uuid, dueAt: now, once: true });
      results.push({ uuid, status: 'queued' });
    }
    await this.#queue.enqueue(queued);
    return results;
  }

  // ---- observability and lifecycle ----------------------------------------------------------

  on<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#events.on(name, listener);
    return this;
  }

  once<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#events.once(name, listener);
    return this;
  }

  off<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#events.off(name, listener);
    return this;
  }

  /**
   * Stops taking work: attempts in flight finish and are recorded, everything else stays due in
   * the queue for the next start. Does not close the storage (the host owns it).
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#resumeTimer !== null) this.#o.clock.clearTimeout(this.#resumeTimer);
      await Promise.all(this.#extensions.map((extension) => extension.stop?.()));
      this.#dispatcher.stop();
      await this.#ready.catch(() => {});
      await this.#queue.close();
      await Promise.allSettled([...this.#direct]);
      await this.#sender.close();
    })();
    return this.#closing;
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#direct.add(promise);
    promise.finally(() => this.#direct.delete(promise)).catch(() => {});
    return promise;
  }

  #assertOpen(): void {
    if (this.#closing)
      throw new TypeError('This Hookdesk instance was closed; create a new one with createHookdesk().');
  }

  async #assertActive(action: string): Promise<void> {
    if (!(await this.#keyRing.get({ fresh: true })).active) {
      throw new ConflictError(
        `Webhooks are switched off for this account: turn "Webhook Active" on to ${action}.`,
      );
    }
  }
}

function withGeneratedKey(webhook: Webhook, key: string | null | undefined): Webhook & { key?: string } {
  return typeof key === 'string' ? { ...webhook, key } : webhook;
}

function notFoundWebhook(id: string): NotFoundError {
  return new NotFoundError(`No webhook has the id ${String(id)}; list the webhooks to find the right one.`);
}

function assertTicket(ticket: unknown): asserts ticket is Ticket {
  if (ticket === null || typeof ticket !== 'object' || Array.isArray(ticket)) {
    throw new TypeError('`ticket` must be a plain object: the ticket as the host application stores it.');
  }
}

/**
 * Creates the Hookdesk engine. It starts at once (settings and the account key are created on
 * first start, pending deliveries are picked up); `await hookdesk.ready()` to see start-up errors.
 *
 * @example
 * const storage = await createStorage();
 * const hookdesk = createHookdesk({ storage });
 * await hookdesk.ticketCreated({ id: 42, subject: 'Printer on fire' });
 */
export function createHookdesk(options: HookdeskOptions): Hookdesk {
  return new Hookdesk(options);
}
