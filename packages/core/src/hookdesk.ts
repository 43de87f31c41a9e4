import type { DeliveryStatsBucket, LogFilter, LogPage, LogPageRequest } from '@hookdesk/storage';
import type { Ticket } from '@hookdesk/wire';
import type { ExtensionAdminRoute } from './admin/admin-routes.js';
import type { ExtensionContext, HookdeskExtension, TicketEventListener } from './extension.js';
import { assembleEngine, type Engine } from './hookdesk/assemble-engine.js';
import type {
  ResendRequest,
  ResendResult,
  ResendSummary,
  StatsRequest,
} from './hookdesk/delivery-log-admin.js';
import type { RotatedKey, Settings } from './hookdesk/settings-admin.js';
import type { EmitPayloads, TicketEventOptions, TicketUpdateOptions } from './hookdesk/ticket-events.js';
import type { HookdeskEventMap, HookdeskEventName } from './hookdesk-events.js';
import type { LogEntry } from './log-entry-view.js';
import type { HookdeskOptions } from './options.js';
import type { Webhook } from './webhook-view.js';

/**
 * The Hookdesk engine: records ticket events as signed deliveries, sends and retries them, and
 * offers every operation the admin API needs. Create it with `createHookdesk`.
 */
export class Hookdesk {
  // A facade: each concern is a part under src/hookdesk/ (assemble-engine.ts wires them), handed
  // only what it uses; every method here delegates to one.
  readonly #engine: Engine;

  constructor(options: HookdeskOptions) {
    this.#engine = assembleEngine(options);
    this.#engine.lifecycle.start();
  }

  /** Resolves once settings exist (a key is generated on first start) and the queue runs. */
  ready(): Promise<void> {
    return this.#engine.guard.ready;
  }

  // ---- host API ---------------------------------------------------------------------------

  /**
   * Records a `ticket.created` delivery for every matching webhook and a `smart_rule.triggered` one
   * for every smart rule the ticket comes to match; resolves with their uuids once stored. An event
   * whose body is over `maxBodyBytes` is recorded too, as `failed` entries that say why (it is
   * never sent). See "Recording events: the host's side" in the README for `eventId`.
   */
  ticketCreated(ticket: Ticket, options: TicketEventOptions = {}): Promise<string[]> {
    return this.#engine.ticketEvents.created(ticket, options);
  }

  /**
   * Records a `ticket.updated` delivery for every matching webhook, and a `smart_rule.triggered` one
   * for every smart rule the update makes fire. With `previous`, the body carries `changes` for each
   * top-level field that changed (change conditions read them too).
   */
  ticketUpdated(ticket: Ticket, options: TicketUpdateOptions = {}): Promise<string[]> {
    return this.#engine.ticketEvents.updated(ticket, options);
  }

  /** Records the deliveries of any event; resolves with their uuids once the log and the queue hold them. */
  emit<E extends keyof EmitPayloads>(event: E, payload: EmitPayloads[E]): Promise<string[]> {
    return this.#engine.ticketEvents.emit(event, payload);
  }

  // ---- settings and key ---------------------------------------------------------------------

  getSettings(): Promise<Settings> {
    return this.#engine.settings.get();
  }

  /** The global "Webhook Active" switch. Off: events create nothing, due retries wait. */
  setActive(active: boolean): Promise<Settings> {
    return this.#engine.settings.setActive(active);
  }

  /** The full account key, for an admin to copy into a receiver. */
  revealKey(): Promise<{ key: string }> {
    return this.#engine.settings.revealKey();
  }

  /** A new account key; the previous one keeps signing `webhook-signature` for the grace period. */
  rotateKey(): Promise<RotatedKey> {
    return this.#engine.settings.rotateKey();
  }

  // ---- webhooks -----------------------------------------------------------------------------

  /**
   * Every webhook, each with its `health` (the success rate of its newest 50 deliveries, read from
   * the log's index: a few range reads per webhook, no delivery read) and `deactivatedReason`.
   */
  listWebhooks(): Promise<Webhook[]> {
    return this.#engine.webhooks.list();
  }

  /** One webhook with its `health`, as in `listWebhooks`. */
  getWebhook(id: string): Promise<Webhook> {
    return this.#engine.webhooks.get(id);
  }

  /**
   * Creates a webhook. With `key: "generate"` the answer carries the generated `key`, this once
   * (docs/admin-api.md, "Webhook"); after that only `revealWebhookKey` shows it.
   */
  createWebhook(input: unknown): Promise<Webhook & { key?: string }> {
    return this.#engine.webhooks.create(input);
  }

  /** Edits a webhook; with `key: "generate"` the answer carries the generated `key`, this once. */
  updateWebhook(id: string, input: unknown): Promise<Webhook & { key?: string }> {
    return this.#engine.webhooks.update(id, input);
  }

  /**
   * The webhook's own key, for an admin to copy into its receiver (`GET M/api/webhooks/:id/key`).
   * @throws NotFoundError for an unknown id, and for a webhook that signs with the account key.
   */
  revealWebhookKey(id: string): Promise<{ key: string }> {
    return this.#engine.webhooks.revealKey(id);
  }

  deleteWebhook(id: string): Promise<void> {
    return this.#engine.webhooks.delete(id);
  }

  /** Sends a signed `webhook.test` delivery now and answers with its log entry. */
  testWebhook(id: string): Promise<LogEntry> {
    return this.#engine.webhooks.test(id);
  }

  // ---- extensions -------------------------------------------------------------------------

  /**
   * Subscribes to every ticket event the host records (`ticketCreated`, `ticketUpdated`, the
   * adapters' hooks): the one way a package such as `@hookdesk/smart-rules` hears them. Listeners
   * run side by side with the webhook deliveries; see `TicketEventListener`. Returns the unsubscribe.
   */
  onTicketEvent(listener: TicketEventListener): () => void {
    return this.#engine.ticketEvents.listen(listener);
  }

  /**
   * Installs an extension: `setup` receives what the engine lends it (`ExtensionContext`) and
   * returns its lifecycle, admin routes and URL lookup (`HookdeskExtension`). Its `start` runs once
   * the engine has started (at once if it has), its `stop` first thing in `close()`.
   * @throws TypeError when an extension of that name is installed already.
   */
  extend<E extends HookdeskExtension>(setup: (context: ExtensionContext) => E): E {
    return this.#engine.extensions.install(setup);
  }

  /** The admin routes installed extensions add; `hookdeskAdmin(hookdesk)` serves them. */
  adminRoutes(): readonly ExtensionAdminRoute[] {
    return this.#engine.extensions.adminRoutes();
  }

  // ---- log ----------------------------------------------------------------------------------

  /** Newest first, a page at a time. */
  listLogs(request: LogPageRequest = {}): Promise<LogPage> {
    return this.#engine.log.list(request);
  }

  /**
   * One delivery's full entry, every attempt with the headers it went out with (`{}` for an attempt
   * recorded before attempts kept them).
   */
  getLog(uuid: string): Promise<LogEntry> {
    return this.#engine.log.get(uuid);
  }

  /**
   * Queues one new attempt, now, of each delivery (same uuid and body, the count continues, no
   * automatic retry). At most 1,000 by filter (the newest); `resendWithCounts` says when it stopped there.
   */
  async resend(request: { ids: readonly string[] } | { filter: LogFilter }): Promise<ResendResult[]> {
    return (await this.#engine.log.resend(request)).results;
  }

  /**
   * `resend` answered as `POST M/api/logs/resend` does: `{ results, matched, queued, capped }`.
   * With `dryRun: true` it only counts (`matched`), queues nothing and answers no `results`, also
   * while the global switch is off. `capped`: a filter matched more than 1,000 deliveries.
   */
  resendWithCounts(request: ResendRequest): Promise<ResendSummary> {
    return this.#engine.log.resend(request);
  }

  /**
   * Deliveries settled per hour, `{ buckets: [{ start, succeeded, failed }] }`, one for each hour
   * overlapping [`since`, `until`) (default: the 24 hours ending with the current one; at most 744),
   * for every delivery or one webhook's or one rule's. Counted as deliveries settle, each time they
   * do (a resend that settles again counts again, in its hour), never by reading the log.
   * @throws ValidationError for a bad or too long range, or both `webhookId` and `ruleId`.
   */
  stats(request: StatsRequest = {}): Promise<{ buckets: DeliveryStatsBucket[] }> {
    return this.#engine.log.stats(request);
  }

  // ---- observability and lifecycle ----------------------------------------------------------

  on<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#engine.events.on(name, listener);
    return this;
  }

  once<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#engine.events.once(name, listener);
    return this;
  }

  off<K extends HookdeskEventName>(name: K, listener: (payload: HookdeskEventMap[K]) => void): this {
    this.#engine.events.off(name, listener);
    return this;
  }

  /**
   * Stops taking work: attempts in flight finish and are recorded, everything else stays due in
   * the queue for the next start. Does not close the storage (the host owns it).
   */
  close(): Promise<void> {
    return this.#engine.lifecycle.close();
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
