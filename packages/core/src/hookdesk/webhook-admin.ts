import { randomUUID } from 'node:crypto';
import type { HookdeskStorage, WebhookRecord } from '@hookdesk/storage';
import { generateKey } from '@hookdesk/wire';
import { NotFoundError, ValidationError } from '../errors.js';
import { type KeyRing, retire } from '../key-ring.js';
import { type LogEntry, toLogEntry } from '../log-entry-view.js';
import type { ResolvedOptions } from '../options.js';
import { parseInput } from '../parse-input.js';
import { type AddressGuard, urlProblem } from '../ssrf-guard.js';
import type { WebhookCache } from '../webhook-cache.js';
import { webhookCreateSchema, webhookPatchSchema } from '../webhook-schema.js';
import { successRate, toWebhook, type Webhook } from '../webhook-view.js';
import type { EngineGuard } from './engine-guard.js';
import type { TestDelivery } from './test-delivery.js';

/** How many recent deliveries a webhook's `successRate` looks at. */
const HEALTH_WINDOW = 50;

export interface WebhookAdminParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  keyRing: KeyRing;
  webhooks: WebhookCache;
  addressGuard: AddressGuard;
  testDelivery: TestDelivery;
  guard: EngineGuard;
}

/** The webhooks as the admin API edits them, their own keys, and their test deliveries. */
export class WebhookAdmin {
  readonly #p: WebhookAdminParts;

  constructor(parts: WebhookAdminParts) {
    this.#p = parts;
  }

  async list(): Promise<Webhook[]> {
    await this.#p.guard.ready;
    const records = await this.#p.storage.webhooks.list();
    return Promise.all(records.map((record) => this.#withHealth(record)));
  }

  async get(id: string): Promise<Webhook> {
    await this.#p.guard.ready;
    return this.#withHealth(await this.#webhookOr404(id));
  }

  /**
   * The view with its success rate: the statuses of its newest deliveries from the log's index
   * alone (three range reads of at most `HEALTH_WINDOW` members, no record), so listing every
   * webhook costs the same per webhook whatever the size of the log.
   */
  async #withHealth(record: WebhookRecord): Promise<Webhook> {
    const counts = await this.#p.storage.log.recentStatuses({ webhookId: record.id }, HEALTH_WINDOW);
    return toWebhook(record, successRate(counts));
  }

  async create(input: unknown): Promise<Webhook & { key?: string }> {
    const { guard, options, webhooks } = this.#p;
    await guard.ready;
    const parsed = parseInput(webhookCreateSchema, input, 'webhook');
    await this.#checkUrl(parsed.url);
    const now = new Date(options.clock.now()).toISOString();
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
    await webhooks.put(record);
    // A new id has no deliveries yet: nothing to read for its health.
    return withGeneratedKey(toWebhook(record, null), generated);
  }

  async update(id: string, input: unknown): Promise<Webhook & { key?: string }> {
    const { guard, options, keyRing, webhooks } = this.#p;
    await guard.ready;
    const patch = parseInput(webhookPatchSchema, input, 'change');
    const before = await this.#webhookOr404(id);
    if (patch.url !== undefined && patch.url !== before.url) await this.#checkUrl(patch.url);
    const newKey = patch.key === 'generate' ? generateKey() : patch.key;
    // A webhook that leaves the account key keeps it for the grace period, like its own key.
    const accountKey = newKey !== undefined ? (await keyRing.get({ fresh: true })).key : undefined;
    // Applied to the record as it is when written, in turn with the delivery bookkeeping.
    const updated = await webhooks.update(id, (current) => {
      const now = options.clock.now();
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
          next.previousKeys = retire(current.previousKeys, signedUntilNow, now, options.keyGracePeriodMs);
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
    return withGeneratedKey(await this.#withHealth(updated), patch.key === 'generate' ? newKey : undefined);
  }

  async revealKey(id: string): Promise<{ key: string }> {
    await this.#p.guard.ready;
    const record = await this.#webhookOr404(id);
    if (record.key === null) {
      throw new NotFoundError(
        `The webhook ${id} has no key of its own: it signs with the account key (GET /api/settings/key).`,
      );
    }
    return { key: record.key };
  }

  async delete(id: string): Promise<void> {
    await this.#p.guard.ready;
    if (!(await this.#p.webhooks.delete(id))) throw notFoundWebhook(id);
  }

  async test(id: string): Promise<LogEntry> {
    const { guard, testDelivery } = this.#p;
    guard.assertOpen();
    await guard.ready;
    await guard.assertActive('send a test');
    return toLogEntry(await testDelivery.send(await this.#webhookOr404(id)));
  }

  async #checkUrl(url: string): Promise<void> {
    const { addressGuard, options } = this.#p;
    const problem = await urlProblem(new URL(url), addressGuard, options.resolve);
    if (problem) {
      throw new ValidationError(
        `Hookdesk does not send to private or local addresses (${problem}). Use a public URL, or allow it with \`allowPrivateNetworks\` or \`allowCidrs\`.`,
        [{ path: 'url', message: problem }],
      );
    }
  }

  async #webhookOr404(id: string): Promise<WebhookRecord> {
    const record = typeof id === 'string' ? await this.#p.storage.webhooks.get(id) : undefined;
    if (!record) throw notFoundWebhook(id);
    return record;
  }
}

function withGeneratedKey(webhook: Webhook, key: string | null | undefined): Webhook & { key?: string } {
  return typeof key === 'string' ? { ...webhook, key } : webhook;
}

function notFoundWebhook(id: string): NotFoundError {
  return new NotFoundError(`No webhook has the id ${String(id)}; list the webhooks to find the right one.`);
}
