/**
 * Runs tasks one after another per key and concurrently across keys. A container's `die` waits
 * for its last lines to be read; its own later events (the restart's `start`) must wait behind it,
 * but another container's crash must not: in a storm of twenty crash loops, reading each one's
 * lines in turn would delay the last crash's page by a minute.
 */
export class PerKeyOrder {
  private readonly tails = new Map<string, Promise<void>>();

  /** True while a task for `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  get pending(): number {
    return this.tails.size;
  }

  /** Queues `task` behind the earlier tasks of `key`; the promise settles when `task` has run. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // A failed task must not stop the ones behind it; its caller sees the failure.
    const mine = previous.then(task, task);
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }
}
