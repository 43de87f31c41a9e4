/**
 * At most `limit` holders per key at once; later callers wait in arrival order. Used to bound the
 * attempts in flight to any one webhook, so a slow receiver cannot take every connection.
 */
export class KeyedLimiter {
  readonly #limit: number;
  readonly #slots = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  async acquire(key: string): Promise<() => void> {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.#slots.set(key, slot);
    }
    if (slot.active >= this.#limit) {
      const s = slot;
      await new Promise<void>((resolve) => s.waiting.push(resolve));
    } else {
      slot.active++;
    }
    const held = slot;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = held.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays as it is.
      if (next) next();
      else if (--held.active === 0) this.#slots.delete(key);
    };
  }

  /** Holders right now for `key`. */
  active(key: string): number {
    return this.#slots.get(key)?.active ?? 0;
  }
}
