import { ConflictError } from '../errors.js';
import type { KeyRing } from '../key-ring.js';

/**
 * What every part of the engine checks before it works: whether start-up is done (`ready`), whether
 * the engine was closed, whether the global switch is on. It also tracks the work `close()` waits
 * for that no queue holds (a test delivery's sender waiting for its outcome).
 */
export class EngineGuard {
  readonly #keyRing: KeyRing;
  readonly #direct = new Set<Promise<unknown>>();
  #ready: Promise<void> = Promise.resolve();
  #closing: Promise<void> | null = null;

  constructor(keyRing: KeyRing) {
    this.#keyRing = keyRing;
  }

  /** Settles once start-up is done; rejects with its error. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** The start-up under way (`EngineLifecycle.start`), which `ready` then stands for. */
  starting(ready: Promise<void>): void {
    this.#ready = ready;
  }

  /** Whether `close()` was called. */
  get closing(): boolean {
    return this.#closing !== null;
  }

  /** Marks the engine closing; `close` runs once, and every later call gets the same promise. */
  closeOnce(close: () => Promise<void>): Promise<void> {
    this.#closing ??= close();
    return this.#closing;
  }

  assertOpen(): void {
    if (this.#closing)
      throw new TypeError('This Hookdesk instance was closed; create a new one with createHookdesk().');
  }

  async assertActive(action: string): Promise<void> {
    if (!(await this.#keyRing.get({ fresh: true })).active) {
      throw new ConflictError(
        `Webhooks are switched off for this account: turn "Webhook Active" on to ${action}.`,
      );
    }
  }

  /** `promise`, which `close()` waits for (`settled`) besides the queue's attempts. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#direct.add(promise);
    promise.finally(() => this.#direct.delete(promise)).catch(() => {});
    return promise;
  }

  /** Settles once every tracked promise has. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#direct]);
  }
}
