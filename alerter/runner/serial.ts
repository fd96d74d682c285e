/**
 * One thing at a time: events, ticks and reloads all touch the engine and the store. A failed
 * turn rejects its own caller only; the next turn still runs.
 */
export class SerialQueue {
  private chain: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Resolves once every turn queued so far has run. */
  idle(): Promise<void> {
    return this.run(() => undefined);
  }
}
