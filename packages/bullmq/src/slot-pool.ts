type Release = () => Promise<void>;

interface Kept {
  release: Release;
  timer: NodeJS.Timeout;
}

/**
 * Shared per-webhook slots this worker keeps a moment after an attempt gives one back, so the next
 * attempt to the same webhook takes it without a round trip to the store: on a busy webhook a slot
 * costs two scripts per `keepMs` instead of two per attempt. A kept slot still counts towards the
 * bound, so the bound holds as before; a slot kept and not taken again within `keepMs` goes back
 * to the store. While one worker keeps a webhook's slots busy, another waits for them longer than
 * it would without the pool: the bound is shared, not split fairly.
 */
export class SlotPool {
  readonly #keepMs: number;
  readonly #kept = new Map<string, Kept[]>();
  #closed = false;

  constructor(keepMs: number) {
    this.#keepMs = keepMs;
  }

  /** A slot for `key`: one kept here, or a new one from `take` (which may wait for it). */
  async acquire(key: string, take: () => Promise<Release>): Promise<Release> {
    const kept = this.#kept.get(key)?.pop();
    if (kept) {
      clearTimeout(kept.timer);
      return this.#lend(key, kept.release);
    }
    return this.#lend(key, await take());
  }

  /** Gives every kept slot back to the store; slots lent out go back as they are returned. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#kept.values()].flat();
    this.#kept.clear();
    for (const kept of all) clearTimeout(kept.timer);
    await Promise.allSettled(all.map((kept) => kept.release()));
  }

  #lend(key: string, release: Release): Release {
    let returned = false;
    return async () => {
      if (returned) return;
      returned = true;
      if (this.#closed) return release();
      const list = this.#kept.get(key) ?? [];
      const kept: Kept = {
        release,
        timer: setTimeout(() => {
          const at = list.indexOf(kept);
          if (at >= 0) list.splice(at, 1);
          if (list.length === 0 && this.#kept.get(key) === list) this.#kept.delete(key);
          // A release lost to an outage only lets the lease lapse by itself, within its length.
          release().catch(() => {});
        }, this.#keepMs),
      };
      kept.timer.unref();
      list.push(kept);
      this.#kept.set(key, list);
    };
  }
}
