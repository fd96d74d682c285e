/**
 * A bounded hand-off between a push-driven producer (the events stream) and a pull-driven
 * source (`run()`): `push` waits while the queue is full, so a slow pipeline slows the reader
 * of /events (dockerd buffers) instead of growing memory.
 */
export class BatchQueue<T> {
  private items: T[] = [];
  private roomWaiters: Array<() => void> = [];
  private dataWaiter?: () => void;
  private closed = false;

  constructor(private readonly max = 10_000) {}

  /** Waits for room; after the consumer has stopped, drops the item (nobody would read it). */
  async push(item: T): Promise<void> {
    while (this.items.length >= this.max && !this.closed)
      await new Promise<void>((r) => this.roomWaiters.push(r));
    if (this.closed) return;
    this.items.push(item);
    this.dataWaiter?.();
  }

  get size(): number {
    return this.items.length;
  }

  /** Yields everything queued as one batch whenever there is something, until the signal aborts. */
  async *batches(signal: AbortSignal): AsyncGenerator<T[]> {
    const onAbort = () => this.dataWaiter?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (this.items.length === 0) {
          await new Promise<void>((r) => (this.dataWaiter = r));
          this.dataWaiter = undefined;
          continue;
        }
        const batch = this.items;
        this.items = [];
        const waiters = this.roomWaiters;
        this.roomWaiters = [];
        for (const w of waiters) w();
        yield batch;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Nobody will drain any more: release producers rather than leave them hanging.
      this.closed = true;
      for (const w of this.roomWaiters) w();
      this.roomWaiters = [];
    }
  }
}
