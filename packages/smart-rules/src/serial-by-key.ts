/**
 * Runs tasks one at a time per key, in arrival order; different keys run side by side. Records
 * that are read, changed and written back from several places (a ticket's state by events and
 * sweeps, a webhook by the admin and the delivery bookkeeping) must not interleave in one process,
 * or one write loses the other's.
 */
export class SerialByKey {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // The map holds only keys with work queued, so it stays as small as the work in flight.
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
