/** An opaque timer handle, as returned by the clock's `setTimeout`. */
export type TimerHandle = unknown;

/**
 * Time as the engine sees it. Injected so tests run days of retries in milliseconds: a fake clock
 * moves `now()` and fires its timers on demand.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and Node's timers, unref'd so a pending retry never keeps a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
