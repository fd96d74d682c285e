/**
 * Many producers, one consumer, no buffer: `put` resolves only when the consumer took the item.
 * Each tailer thus has at most one batch waiting, and reads nothing more until the pipeline
 * pulls, which is how the bus's backpressure reaches the file reads.
 */
export class Rendezvous<T> {
  private readonly items: Array<{ value: T; taken: () => void }> = [];
  private consumer: (() => void) | undefined;

  put(value: T, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        value,
        taken: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.items.indexOf(entry);
        if (i >= 0) this.items.splice(i, 1);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.items.push(entry);
      this.consumer?.();
    });
  }

  /** The next item, or undefined once the signal aborts. */
  async take(signal: AbortSignal): Promise<T | undefined> {
    while (!signal.aborted) {
      const item = this.items.shift();
      if (item) {
        item.taken();
        return item.value;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          this.consumer = undefined;
          resolve();
        };
        this.consumer = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return undefined;
  }
}
