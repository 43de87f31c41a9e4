import type { HookdeskStorage, QueuedDelivery } from '@hookdesk/storage';
import type { Clock, TimerHandle } from './clock.js';
import type { DeliveryHandler, DeliveryQueue } from './delivery-queue.js';
import { type Logger, silentLogger } from './logger.js';

export interface StorageDeliveryQueueOptions {
  clock: Clock;
  /**
   * Attempts in flight at once, across all webhooks.
   * @default 100
   */
  concurrency?: number;
  /**
   * Longest sleep between two looks at the queue, so entries another writer added are found too.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Wait before a delivery whose handler threw (e.g. the store was down) is handed out again.
   * @default 5000
   */
  errorBackoffMs?: number;
  logger?: Logger;
}

/** The latest time the repository can order (storage sort keys hold 13 digits), as "any time". */
const LATEST_DUE_AT = 10 ** 13 - 2;

/**
 * The in-process `DeliveryQueue` on the storage queue repository: a single process reads due
 * entries and runs them. What survives a crash is whatever the repository holds.
 */
export class StorageDeliveryQueue implements DeliveryQueue {
  // Fresh entries due now reach only this process's handlers, which wait for the record; other
  // processes find them through the pending log entries, written with the record.
  readonly enqueueBesideRecord = true;
  readonly #repo: HookdeskStorage['queue'];
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #errorBackoffMs: number;
  readonly #logger: Logger;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #cooldown = new Map<string, number>();
  /**
   * Entries this process enqueued as due now, handed straight to handlers: reading them back from
   * the repository would cost a locked range read per delivery. The repository stays the record;
   * this is only a shortcut, and a scan may still return an entry (then skipped or found done).
   * Each keeps its `once` mark, as the repository does.
   */
  readonly #ready = new Map<string, boolean>();
  /**
   * Entries enqueued as due while their previous attempt was still in flight (a resend racing the
   * attempt it follows). That attempt ends by removing its entry from the repository, so each is
   * written again and run once the attempt is done, or the resend would be lost.
   */
  readonly #rerun = new Map<string, boolean>();
  /**
   * Fresh deliveries this process queued through their log entries, with nothing written to the
   * repository's own queue: removing them after their attempt needs no repository call. A later
   * entry written for one (a resend, a retry) drops it from here, so that entry is removed.
   */
  readonly #logQueued = new Set<string>();
  /** The repository may hold due entries this process has not seen (start, timers, other writers). */
  #scan = true;
  #handler: DeliveryHandler | null = null;
  #paused = false;
  #closed = false;
  #polling = false;
  #pollAgain = false;
  #timer: TimerHandle | null = null;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(repo: HookdeskStorage['queue'], options: StorageDeliveryQueueOptions) {
    this.#repo = repo;
    this.#clock = options.clock;
    this.#concurrency = options.concurrency ?? 100;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#errorBackoffMs = options.errorBackoffMs ?? 5000;
    this.#logger = options.logger ?? silentLogger;
  }

  async enqueue(entries: readonly QueuedDelivery[], options: { fresh?: boolean } = {}): Promise<void> {
    if (entries.length === 0) return;
    const now = this.#clock.now();
    // A fresh delivery's pending log entry is its queue entry, due at its creation (storage's
    // queue repository): only entries due later need one of their own.
    const stored = options.fresh ? entries.filter((entry) => entry.dueAt > now) : entries;
    for (const entry of stored) this.#logQueued.delete(entry.uuid);
    if (stored.length !== entries.length) {
      for (const entry of entries) if (entry.dueAt <= now) this.#logQueued.add(entry.uuid);
    }
    await this.#repo.schedule(stored, options);
    if (!this.#handler) return;
    let later = Number.POSITIVE_INFINITY;
    for (const entry of entries) {
      if (entry.dueAt > now) later = Math.min(later, entry.dueAt);
      else if (this.#inFlight.has(entry.uuid)) this.#rerun.set(entry.uuid, entry.once === true);
      else this.#ready.set(entry.uuid, entry.once === true);
    }
    if (this.#ready.size > 0) this.#poll();
    if (later !== Number.POSITIVE_INFINITY) this.#wakeAt(later);
  }

  async remove(uuid: string): Promise<void> {
    // Its log entry moved on with its status; another process's entry for it, if any, is found
    // by a later scan and dropped once the dispatcher sees the delivery settled.
    if (this.#logQueued.delete(uuid)) return;
    await this.#repo.remove(uuid);
  }

  start(handler: DeliveryHandler): void {
    if (this.#handler) throw new TypeError('The delivery queue was already started.');
    this.#handler = handler;
    this.#poll();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#scan = true;
    this.#poll();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#inFlight.size > 0 || this.#polling) {
      await Promise.race([...this.#inFlight.values(), new Promise((resolve) => setImmediate(resolve))]);
    }
  }

  /** Entries in flight right now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  #wakeAt(at: number): void {
    if (this.#closed || at >= this.#timerAt) return;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = null;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#scan = true;
        this.#poll();
      },
      Math.max(0, at - this.#clock.now()),
    );
  }

  #poll(): void {
    if (this.#closed || !this.#handler) return;
    if (this.#polling) {
      // A look is under way; one more after it catches what was added meanwhile.
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    this.#pollOnce()
      .catch((error: unknown) => {
        this.#logger.error({ err: error }, 'Hookdesk could not read the delivery queue');
        this.#wakeAt(this.#clock.now() + this.#errorBackoffMs);
      })
      .finally(() => {
        this.#polling = false;
        if (this.#pollAgain) {
          this.#pollAgain = false;
          this.#poll();
        }
      });
  }

  async #pollOnce(): Promise<void> {
    this.#drainReady();
    // Bounded: each round either starts a handler or ends the loop.
    for (let round = 0; round < 1000 && this.#scan && !this.#closed && !this.#paused; round++) {
      const room = this.#concurrency - this.#inFlight.size;
      if (room <= 0) return; // a finishing handler polls again
      const now = this.#clock.now();
      const skip = this.#inFlight.size + this.#cooldown.size;
      const want = room + skip;
      const due = await this.#repo.due(now, want);
      if (due.length < want) this.#scan = false;
      let started = 0;
      for (const entry of due) {
        if (this.#inFlight.has(entry.uuid)) continue;
        const until = this.#cooldown.get(entry.uuid);
        if (until !== undefined) {
          if (until > now) continue;
          this.#cooldown.delete(entry.uuid);
        }
        if (this.#inFlight.size >= this.#concurrency || this.#paused || this.#closed) break;
        this.#ready.delete(entry.uuid);
        this.#run(entry.uuid, entry.once === true);
        started++;
      }
      if (started === 0) break;
      this.#drainReady();
    }
    if (this.#closed || this.#paused) return;
    if (this.#ready.size > 0) return; // the handlers that finish drain the rest
    // Entries enqueued here set their own wake-up, so once the timer is set the repository is read
    // again only about once per poll interval, for work other writers added.
    if (this.#timerAt !== Number.POSITIVE_INFINITY) return;
    const next = await this.#nextDueAt();
    const now = this.#clock.now();
    this.#wakeAt(next === null ? now + this.#pollIntervalMs : Math.min(next, now + this.#pollIntervalMs));
  }

  /**
   * When the earliest entry not in flight or cooling down here is due. Skipping those matters: the
   * earliest entry is often one in flight, and it would hide a later one (say, a retry another
   * process scheduled); asking the repository's `nextDueAt` again as each handler finished cost a
   * range read and its pointer reads per delivery.
   */
  async #nextDueAt(): Promise<number | null> {
    const skip = this.#inFlight.size + this.#cooldown.size;
    const upcoming = await this.#repo.due(LATEST_DUE_AT, skip + 1);
    const now = this.#clock.now();
    for (const entry of upcoming) {
      if (this.#inFlight.has(entry.uuid)) continue;
      const until = this.#cooldown.get(entry.uuid);
      if (until !== undefined && until > now) continue;
      return entry.dueAt;
    }
    return null;
  }

  /** Writes a rerun entry back (its finished attempt removed it) and hands it out again. */
  async #requeue(uuid: string, once: boolean): Promise<void> {
    this.#logQueued.delete(uuid);
    try {
      await this.#repo.schedule([{ uuid, dueAt: this.#clock.now(), once }]);
    } catch (error) {
      // It still runs from memory; were this process to stop first, its log entry still says
      // pending and the start-up recovery queues it again.
      this.#logger.error({ err: error, uuid }, 'Hookdesk could not write a delivery back to the queue');
    }
    this.#ready.set(uuid, once);
  }

  #drainReady(): void {
    for (const [uuid, once] of this.#ready) {
      if (this.#inFlight.size >= this.#concurrency || this.#paused || this.#closed) return;
      this.#ready.delete(uuid);
      if (!this.#inFlight.has(uuid)) this.#run(uuid, once);
    }
  }

  #run(uuid: string, once = false): void {
    const handler = this.#handler as DeliveryHandler;
    const task = (async () => {
      try {
        await handler(uuid, once ? { once } : undefined);
      } catch (error) {
        this.#logger.error({ err: error, uuid }, 'Hookdesk could not attempt a delivery; it stays queued');
        this.#cooldown.set(uuid, this.#clock.now() + this.#errorBackoffMs);
        this.#wakeAt(this.#clock.now() + this.#errorBackoffMs);
        this.#scan = true;
      } finally {
        const once = this.#rerun.get(uuid);
        if (once !== undefined) {
          this.#rerun.delete(uuid);
          await this.#requeue(uuid, once);
        }
        this.#inFlight.delete(uuid);
        this.#poll();
      }
    })();
    this.#inFlight.set(uuid, task);
  }
}
