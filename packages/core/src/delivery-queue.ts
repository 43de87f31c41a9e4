import type { QueuedDelivery } from '@hookdesk/storage';

/**
 * Runs one attempt of a delivery; resolves when it has been recorded. `entry.once`: the entry is a
 * resend (one attempt, no automatic retry), as it was enqueued, also after a restart.
 */
export type DeliveryHandler = (uuid: string, entry?: { once?: boolean }) => Promise<void>;

/**
 * Where recorded deliveries wait for their next attempt. The in-process default runs on the
 * storage queue repository; a BullMQ implementation replaces it for more than one process.
 * Delivery is at-least-once: an entry leaves the queue only through `remove`, after its attempt
 * was recorded, so a crash in between sends it again.
 */
export interface DeliveryQueue {
  /**
   * Durably adds deliveries, or moves them to a new due time; resolves once stored. `fresh: true`
   * says these are new deliveries that `storage.log.create` is recording as pending, none queued
   * yet: an implementation may skip looking for their current entries, and the in-process queue
   * writes nothing for those due now (their pending log entries queue them). `recovered: true`
   * says these come from start-up recovery (pending in the log): an implementation whose entries
   * can outlive a process adds the ones it lacks and leaves any entry it holds as it is (another
   * process may be running its attempt, or it may be a resend or a retry's later due time).
   */
  enqueue(
    entries: readonly QueuedDelivery[],
    options?: { fresh?: boolean; recovered?: boolean },
  ): Promise<void>;
  /** Takes a delivery out for good (it succeeded or failed for good). */
  remove(uuid: string): Promise<void>;
  /** Starts handing due deliveries to `handler`, never the same uuid twice at once. */
  start(handler: DeliveryHandler): void;
  /** Stops handing out deliveries (the global switch is off); due ones wait. */
  pause(): void;
  resume(): void;
  /** Stops handing out deliveries and resolves once every handler in flight has finished. */
  close(): Promise<void>;
  /**
   * Optional: holds one of `limit` slots for `key` (a webhook) across every process that shares
   * this queue, waiting for one when all are held; resolves with its release. A slot a crashed
   * holder never released frees itself after `holdMs`. Without it, the per-webhook bound
   * (`concurrencyPerWebhook`) holds per process only.
   */
  acquireSlot?(key: string, limit: number, holdMs: number): Promise<() => Promise<void>>;
  /**
   * True when a fresh entry may be enqueued while its log record is still being written: no
   * process can take it before the record is readable (the in-process queue hands it only to this
   * process, which waits for the write). Left out, the engine enqueues after the log write, so a
   * worker elsewhere never takes a job whose record it cannot read yet.
   */
  readonly enqueueBesideRecord?: boolean;
}
