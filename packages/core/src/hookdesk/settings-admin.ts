import { generateKey, keyPreview } from '@hookdesk/wire';
import type { DeliveryQueue } from '../delivery-queue.js';
import { ValidationError } from '../errors.js';
import { type KeyRing, rotated } from '../key-ring.js';
import type { ResolvedOptions } from '../options.js';
import type { EngineGuard } from './engine-guard.js';

/** `GET M/api/settings`. */
export interface Settings {
  active: boolean;
  keyPreview: string;
}

export interface RotatedKey {
  key: string;
  previousKeyValidUntil: string;
}

export interface SettingsAdminParts {
  options: ResolvedOptions;
  keyRing: KeyRing;
  queue: DeliveryQueue;
  guard: EngineGuard;
}

/** The account's settings: the global switch and the account key (docs/admin-api.md, "Settings"). */
export class SettingsAdmin {
  readonly #p: SettingsAdminParts;

  constructor(parts: SettingsAdminParts) {
    this.#p = parts;
  }

  async get(): Promise<Settings> {
    const { guard, keyRing } = this.#p;
    await guard.ready;
    const settings = await keyRing.get({ fresh: true });
    return { active: settings.active, keyPreview: keyPreview(settings.key) };
  }

  async setActive(active: boolean): Promise<Settings> {
    const { guard, keyRing, queue, options } = this.#p;
    if (typeof active !== 'boolean')
      throw new ValidationError('`active` must be true or false.', [
        { path: 'active', message: 'Use true or false.' },
      ]);
    await guard.ready;
    const settings = await keyRing.get({ fresh: true });
    const next = { ...settings, active, updatedAt: new Date(options.clock.now()).toISOString() };
    await keyRing.put(next);
    if (active) queue.resume();
    else queue.pause();
    return { active, keyPreview: keyPreview(next.key) };
  }

  async revealKey(): Promise<{ key: string }> {
    const { guard, keyRing } = this.#p;
    await guard.ready;
    return { key: (await keyRing.get({ fresh: true })).key };
  }

  async rotateKey(): Promise<RotatedKey> {
    const { guard, keyRing, options } = this.#p;
    await guard.ready;
    const now = options.clock.now();
    const next = rotated(await keyRing.get({ fresh: true }), generateKey(), now, options.keyGracePeriodMs);
    await keyRing.put(next);
    return {
      key: next.key,
      previousKeyValidUntil: (next.previousKeys[0] as { validUntil: string }).validUntil,
    };
  }
}
