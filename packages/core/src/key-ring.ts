import type { HookdeskStorage, SettingsRecord, WebhookRecord } from '@hookdesk/storage';

type RetiredKey = SettingsRecord['previousKeys'][number];

import { generateKey } from '@hookdesk/wire';
import type { Clock } from './clock.js';

/** Rotated-out keys keep signing `webhook-signature` this long: 24 h (docs/wire.md, "Key"). */
export const DEFAULT_KEY_GRACE_MS = 24 * 3_600_000;

/** The keys of `retired` still in their grace period at `nowMs`. */
export function keysInGrace(retired: readonly RetiredKey[] | undefined, nowMs: number): string[] {
  const keys: string[] = [];
  for (const k of retired ?? []) if (Date.parse(k.validUntil) > nowMs) keys.push(k.key);
  return keys;
}

/** `retired` with `key` put first, valid `graceMs` from `nowMs`; keys already expired are dropped. */
export function retire(
  retired: readonly RetiredKey[] | undefined,
  key: string,
  nowMs: number,
  graceMs: number,
): RetiredKey[] {
  const validUntil = new Date(nowMs + graceMs).toISOString();
  const stillValid = (retired ?? []).filter((k) => Date.parse(k.validUntil) > nowMs && k.key !== key);
  return [{ key, validUntil }, ...stillValid];
}

/** The account keys that sign a request at `nowMs`: the current one first, then those in their grace period. */
export function validKeys(settings: SettingsRecord, nowMs: number): string[] {
  return [settings.key, ...keysInGrace(settings.previousKeys, nowMs)];
}

/**
 * The keys that sign a delivery to `webhook` at `nowMs`: its own key or else the account's valid
 * keys, then the keys the webhook itself retired that are still in their grace period. The first
 * signs `X-Hookdesk-Signature`; all sign `webhook-signature`.
 */
export function signingKeys(
  webhook: Pick<WebhookRecord, 'key' | 'previousKeys'> | undefined,
  settings: SettingsRecord,
  nowMs: number,
): string[] {
  const keys = webhook?.key ? [webhook.key] : validKeys(settings, nowMs);
  for (const key of keysInGrace(webhook?.previousKeys, nowMs)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

/** Settings after a rotation at `nowMs`: a new current key, the old one valid for `graceMs` more. */
export function rotated(
  settings: SettingsRecord,
  newKey: string,
  nowMs: number,
  graceMs: number,
): SettingsRecord {
  return {
    ...settings,
    key: newKey,
    previousKeys: retire(settings.previousKeys, settings.key, nowMs, graceMs),
    updatedAt: new Date(nowMs).toISOString(),
  };
}

/**
 * The settings record, read through a short cache: every delivery needs the switch and the keys,
 * and a store round trip per delivery would cost more than the signing. Writes made here update
 * the cache at once; writes by another process are seen within `cacheMs`.
 */
export class KeyRing {
  readonly #repo: HookdeskStorage['settings'];
  readonly #clock: Clock;
  readonly #cacheMs: number;
  #cached: SettingsRecord | null = null;
  #cachedAt = 0;
  #loading: Promise<SettingsRecord> | null = null;

  constructor(repo: HookdeskStorage['settings'], clock: Clock, cacheMs: number) {
    this.#repo = repo;
    this.#clock = clock;
    this.#cacheMs = cacheMs;
  }

  /**
   * The settings, creating them (switch on, a new key) on first start. `fresh`: read the store
   * now (an admin reading or changing them), not the cache.
   */
  async get(options: { fresh?: boolean } = {}): Promise<SettingsRecord> {
    if (!options.fresh && this.#cached && this.#clock.now() - this.#cachedAt < this.#cacheMs)
      return this.#cached;
    this.#loading ??= this.#load().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  async #load(): Promise<SettingsRecord> {
    let settings = await this.#repo.get();
    if (!settings) {
      // Several processes may start at once on a new store: one key wins for all of them.
      settings = await this.#repo.initialize({
        active: true,
        key: generateKey(),
        previousKeys: [],
        updatedAt: new Date(this.#clock.now()).toISOString(),
      });
    }
    this.#remember(settings);
    return settings;
  }

  async put(settings: SettingsRecord): Promise<void> {
    await this.#repo.put(settings);
    this.#remember(settings);
  }

  #remember(settings: SettingsRecord): void {
    this.#cached = settings;
    this.#cachedAt = this.#clock.now();
  }
}
