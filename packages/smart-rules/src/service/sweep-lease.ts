import { randomUUID } from 'node:crypto';
import type { Clock, Logger, TimerHandle } from '@hookdesk/core';
import type { TimeSlotClaims } from '../storage/time-slot-claims.js';

export interface SweepLeaseDeps {
  /** Turns of the lease, `leaseMs` long each. */
  turns: TimeSlotClaims;
  /** Sweep intervals, `intervalMs` long each: one timer sweep per interval across processes. */
  intervals: TimeSlotClaims;
  clock: Clock;
  logger: Logger;
  leaseMs: number;
  intervalMs: number;
  /** True once the service stopped: a wait for the lease gives up. */
  stopped(): boolean;
}

/**
 * The smart-rule sweep runs in one process at a time across every process on the store: a
 * sweeping process holds the lease, a series of turns `leaseMs` long claimed in the shared store
 * (`TimeSlotClaims`). The holder claims the next turn half a turn before it starts, while it
 * sweeps, and gives its turns back when done; a process that dies mid-sweep holds the lease until
 * its last turn is over (at most 1.5 × `leaseMs`). A holder that finds its next turn taken (its
 * event loop stalled past it, or clocks disagree by more than half a turn) has lost the lease and
 * stops sweeping before its next page.
 *
 * Timer sweeps also claim their interval (`takeInterval`): of several processes whose timers fire
 * in one `sweepIntervalMs`, one sweeps, so the tickets are swept about once per interval in all.
 */
export class SweepLease {
  readonly #d: SweepLeaseDeps;
  readonly #holder = randomUUID();
  /** Start times of the turns this process holds. */
  readonly #held = new Set<number>();
  #renewal: TimerHandle | null = null;
  /** Between a successful `acquire` and `release`. */
  #active = false;
  #lost = false;

  constructor(deps: SweepLeaseDeps) {
    this.#d = deps;
  }

  /** Claims the current sweep interval for this process: false when another process has it. */
  async takeInterval(): Promise<boolean> {
    const { intervals, clock, intervalMs } = this.#d;
    const now = clock.now();
    const start = now - (now % intervalMs);
    const won = await intervals.claim(start, this.#holder);
    if (won) await intervals.prune(start - 2 * intervalMs);
    return won;
  }

  /**
   * Takes the lease for this process; false when the service stopped first. Waits while another
   * process holds it, or with `wait: false` gives up at once (false).
   */
  async acquire(options: { wait: boolean }): Promise<boolean> {
    const { clock, leaseMs } = this.#d;
    const poll = Math.max(10, Math.min(250, Math.floor(leaseMs / 4)));
    for (;;) {
      if (this.#d.stopped()) return false;
      if (await this.#claimAhead()) break;
      await this.release();
      if (!options.wait) return false;
      // Real time, whatever the engine's clock: the wait is for the holder's release, which comes
      // through the store (a fake clock that never moves would wait forever).
      await new Promise<void>((resolve) => setTimeout(resolve, poll).unref());
    }
    this.#lost = false;
    this.#active = true;
    this.#scheduleRenewal();
    const now = clock.now();
    await this.#d.turns.prune(now - (now % leaseMs) - 2 * leaseMs);
    return true;
  }

  /** While sweeping: true as long as this process still holds the lease (it renews it). */
  async holding(): Promise<boolean> {
    if (this.#active && !this.#lost && !(await this.#claimAhead())) this.#lose();
    return this.#active && !this.#lost;
  }

  /** Gives the lease back: newest turn first, so a crash part way never frees an earlier turn alone. */
  async release(): Promise<void> {
    this.#active = false;
    if (this.#renewal !== null) this.#d.clock.clearTimeout(this.#renewal);
    this.#renewal = null;
    const turns = [...this.#held].sort((a, b) => b - a);
    this.#held.clear();
    for (const start of turns) await this.#d.turns.release(start, this.#holder);
  }

  /** Claims the turn now and the one half a turn from now (the same turn, or the next). */
  async #claimAhead(): Promise<boolean> {
    const { clock, leaseMs } = this.#d;
    const now = clock.now();
    const current = now - (now % leaseMs);
    const ahead = now + Math.floor(leaseMs / 2);
    for (const start of new Set([current, ahead - (ahead % leaseMs)])) {
      if (this.#held.has(start)) continue;
      if (!(await this.#d.turns.claim(start, this.#holder))) return false;
      this.#held.add(start);
    }
    for (const start of this.#held) if (start < current) this.#held.delete(start);
    return true;
  }

  #lose(): void {
    this.#lost = true;
    this.#d.logger.warn(
      { leaseMs: this.#d.leaseMs },
      'Hookdesk lost the smart-rule sweep lease to another process (this one stalled past its turn, or the clocks disagree); this sweep stops',
    );
  }

  /** Renews every quarter turn, so a long page does not outlast the lease. */
  #scheduleRenewal(): void {
    const { clock, leaseMs, logger } = this.#d;
    if (!this.#active || this.#lost) return;
    this.#renewal = clock.setTimeout(
      () => {
        this.#renewal = null;
        this.holding().then(
          (held) => {
            if (held) this.#scheduleRenewal();
          },
          (error: unknown) => {
            // The next page renews again; a store that stays down fails the sweep there.
            logger.warn({ err: error }, 'Hookdesk could not renew the smart-rule sweep lease');
            if (this.#active) this.#scheduleRenewal();
          },
        );
      },
      Math.max(1, Math.floor(leaseMs / 4)),
    );
  }
}
