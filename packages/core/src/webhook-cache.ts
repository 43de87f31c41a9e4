import type { HookdeskStorage, WebhookDeliveryHealth, WebhookRecord } from '@hookdesk/storage';
import type { Clock } from './clock.js';
import { SerialByKey } from './serial-by-key.js';

/**
 * Every webhook, read through a short cache: each ticket event matches against all of them and
 * each attempt needs its webhook. Local writes refresh the cache at once; another process's writes
 * are seen within `cacheMs`.
 */
export class WebhookCache {
  readonly #repo: HookdeskStorage['webhooks'];
  readonly #clock: Clock;
  readonly #cacheMs: number;
  #byId: Map<string, WebhookRecord> | null = null;
  #list: WebhookRecord[] = [];
  #loadedAt = 0;
  #loading: Promise<void> | null = null;
  #generation = 0;
  readonly #perWebhook = new SerialByKey();

  constructor(repo: HookdeskStorage['webhooks'], clock: Clock, cacheMs: number) {
    this.#repo = repo;
    this.#clock = clock;
    this.#cacheMs = cacheMs;
  }

  async list(): Promise<WebhookRecord[]> {
    await this.#ensure();
    return this.#list;
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    await this.#ensure();
    return this.#byId?.get(id);
  }

  /**
   * The webhook as stored now, bypassing the cache, which it then patches. For decisions that
   * cannot be undone (dropping a delivery because its webhook looks deleted or inactive): a webhook
   * another process made or reactivated a moment ago is not in this process's cache yet.
   */
  async fresh(id: string): Promise<WebhookRecord | undefined> {
    const record = await this.#repo.get(id);
    this.#generation++;
    if (this.#byId) {
      if (record) this.#byId.set(id, record);
      else this.#byId.delete(id);
      this.#list = [...this.#byId.values()];
    }
    return record;
  }

  async put(record: WebhookRecord): Promise<void> {
    await this.#repo.put(record);
    // Patch the cache in place: a reload per write would make bookkeeping on a large fan-out quadratic.
    this.#generation++;
    if (this.#byId) {
      this.#byId.set(record.id, record);
      this.#list = [...this.#byId.values()];
    }
  }

  /**
   * Reads the webhook fresh from the store, applies `change` and writes the result (`null`: no
   * write), one change per webhook at a time in this process. An admin's edit and the delivery
   * bookkeeping's deactivation both read-modify-write the record: interleaved, the later write
   * lost the earlier one (a success's `lastSuccessAt` could undo an admin's deactivation a moment
   * before, when the bookkeeping still wrote whole records).
   * Resolves with the record as stored, or `undefined` when there is none.
   */
  update(
    id: string,
    change: (current: WebhookRecord) => WebhookRecord | null,
  ): Promise<WebhookRecord | undefined> {
    return this.#perWebhook.run(id, async () => {
      const current = await this.#repo.get(id);
      if (!current) return undefined;
      const next = change(current);
      if (next === null) return current;
      await this.put(next);
      return next;
    });
  }

  /**
   * Like `update`, but `change` answers only the delivery health (`null`: no write), and only that
   * is written: the record's other fields are never written back, so an admin's edit made
   * meanwhile in another process stands too (`storage.webhooks.recordHealth`).
   */
  updateHealth(id: string, change: (current: WebhookRecord) => WebhookDeliveryHealth | null): Promise<void> {
    return this.#perWebhook.run(id, async () => {
      const current = await this.#repo.get(id);
      if (!current) return;
      const health = change(current);
      if (health === null) return;
      await this.#repo.recordHealth(id, health);
      this.#generation++;
      if (this.#byId?.has(id)) {
        this.#byId.set(id, { ...current, ...health });
        this.#list = [...this.#byId.values()];
      }
    });
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.#repo.delete(id);
    this.#generation++;
    if (this.#byId?.delete(id)) this.#list = [...this.#byId.values()];
    return deleted;
  }

  async #ensure(): Promise<void> {
    // A write during a load makes that load stale: load again (bounded, writes are rare).
    for (let tries = 0; tries < 5; tries++) {
      if (this.#byId && this.#clock.now() - this.#loadedAt < this.#cacheMs) return;
      this.#loading ??= this.#load().finally(() => {
        this.#loading = null;
      });
      await this.#loading;
    }
  }

  async #load(): Promise<void> {
    const generation = this.#generation;
    const list = await this.#repo.list();
    if (generation !== this.#generation) return;
    this.#list = list;
    this.#byId = new Map(list.map((w) => [w.id, w]));
    this.#loadedAt = this.#clock.now();
  }
}
