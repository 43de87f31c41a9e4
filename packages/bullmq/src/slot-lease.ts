/**
 * One key's slots in a store every worker shares (Redis in shared-slots.ts, PostgreSQL in
 * postgres-slots.ts): the three steps `leaseSlot` needs, each atomic in the store and timed on
 * the store's clock, so the workers' clocks do not matter.
 */
export interface SlotStore {
  /** Takes a hold for `token` lapsing `leaseMs` from now if fewer than `limit` are held; says whether it did. */
  take(token: string, limit: number, leaseMs: number): Promise<boolean>;
  /** Moves the lapse of `token`'s hold to `leaseMs` from now; a hold another took over stays theirs. */
  renew(token: string, leaseMs: number): Promise<void>;
  release(token: string): Promise<void>;
}

/**
 * At most `limit` holders per key across every process on the store: the per-webhook bound of
 * `concurrencyPerWebhook` for a queue that several workers share. A hold lasts `leaseMs` and is
 * renewed every half of it while its holder lives, for at most `holdMs` in all, so a crashed
 * worker's slots free themselves within `leaseMs`, as its jobs do. A waiting caller looks again
 * after 10 ms, backing off to 200 ms.
 */
export async function leaseSlot(
  store: SlotStore,
  slot: { limit: number; leaseMs: number; holdMs: number; token: string },
): Promise<() => Promise<void>> {
  const leaseMs = Math.ceil(Math.min(slot.leaseMs, slot.holdMs));
  for (let wait = 10; ; wait = Math.min(200, wait * 2)) {
    if (await store.take(slot.token, slot.limit, leaseMs)) break;
    await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
  }
  const until = Date.now() + slot.holdMs;
  const renewal = setInterval(() => {
    if (Date.now() + leaseMs > until) {
      clearInterval(renewal);
      return;
    }
    // A renewal lost to an outage only lets the hold lapse early: the bound is then loose, never stuck.
    store.renew(slot.token, leaseMs).catch(() => {});
  }, leaseMs / 2);
  renewal.unref();
  return async () => {
    clearInterval(renewal);
    await store.release(slot.token);
  };
}
