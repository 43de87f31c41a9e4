/**
 * Runs tasks one at a time per key, in arrival order; different keys run side by side. A ticket's
 * state is read, changed and written back by events and sweeps: in one process, these must not
 * interleave, or one write loses the other's fired-rule bookkeeping.
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
