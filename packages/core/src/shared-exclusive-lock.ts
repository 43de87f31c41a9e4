/**
 * Many shared holders at once, or one exclusive holder. Waiters are served in arrival order, so
 * a steady stream of shared holders cannot starve an exclusive one.
 */
export class SharedExclusiveLock {
  #shared = 0;
  #exclusive = false;
  readonly #waiting: { exclusive: boolean; wake: () => void }[] = [];

  async shared<T>(run: () => Promise<T>): Promise<T> {
    await this.#acquire(false);
    try {
      return await run();
    } finally {
      this.#shared--;
      this.#drain();
    }
  }

  async exclusive<T>(run: () => Promise<T>): Promise<T> {
    await this.#acquire(true);
    try {
      return await run();
    } finally {
      this.#exclusive = false;
      this.#drain();
    }
  }

  #free(exclusive: boolean): boolean {
    return exclusive ? !this.#exclusive && this.#shared === 0 : !this.#exclusive;
  }

  #acquire(exclusive: boolean): Promise<void> {
    if (this.#waiting.length === 0 && this.#free(exclusive)) {
      this.#take(exclusive);
      return Promise.resolve();
    }
    return new Promise((wake) => this.#waiting.push({ exclusive, wake }));
  }

  #take(exclusive: boolean): void {
    if (exclusive) this.#exclusive = true;
    else this.#shared++;
  }

  #drain(): void {
    for (let next = this.#waiting[0]; next && this.#free(next.exclusive); next = this.#waiting[0]) {
      this.#waiting.shift();
      this.#take(next.exclusive);
      next.wake();
    }
  }
}
