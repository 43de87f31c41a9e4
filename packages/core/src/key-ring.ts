import type { SettingsRecord, SettingsRepository } from '@hookdesk/storage';
import { generateKey } from '@hookdesk/wire';
import type { Clock } from './clock.js';

/** Rotated-out keys keep signing `webhook-signature` this long: 24 h (WIRE.md, "Key"). */
export const DEFAULT_KEY_GRACE_MS = 24 * 3_600_000;

/** The account keys that sign a request at `nowMs`: the current one first, then those in their grace period. */
export function validKeys(settings: SettingsRecord, nowMs: number): string[] {
  const keys = [settings.key];
  for (const retired of settings.previousKeys) {
    if (Date.parse(retired.validUntil) > nowMs) keys.push(retired.key);
  }
  return keys;
}

/** Settings after a rotation at `nowMs`: a new current key, the old one valid for `graceMs` more. */
export function rotated(
  settings: SettingsRecord,
  newKey: string,
  nowMs: number,
  graceMs: number,
): SettingsRecord {
  const validUntil = new Date(nowMs + graceMs).toISOString();
  const stillValid = settings.previousKeys.filter((k) => Date.parse(k.validUntil) > nowMs);
  return {
    ...settings,
    key: newKey,
    previousKeys: [{ key: settings.key, validUntil }, ...stillValid],
    updatedAt: new Date(nowMs).toISOString(),
  };
}

/**
 * The settings record, read through a short cache: every delivery needs the switch and the keys,
 * and a store round trip per delivery would cost more than the signing. Writes made here update
 * the cache at once; writes by another process are seen within `cacheMs`.
 */
export class KeyRing {
  readonly #repo: SettingsRepository;
  readonly #clock: Clock;
  readonly #cacheMs: number;
  #cached: SettingsRecord | null = null;
  #cachedAt = 0;
  #loading: Promise<SettingsRecord> | null = null;

  constructor(repo: SettingsRepository, clock: Clock, cacheMs: number) {
    this.#repo = repo;
    this.#clock = clock;
    this.#cacheMs = cacheMs;
  }

  /** The settings, creating them (switch on, a new key) on first start. */
  async get(fresh = false): Promise<SettingsRecord> {
    if (!fresh && this.#cached && this.#clock.now() - this.#cachedAt < this.#cacheMs) return this.#cached;
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
