/**
 * The delivery loop's pause: until something wakes it (new events, a write that ended, a
 * stop), or, for a linger, a fixed time that only a stop or the abort cuts short.
 */
export class LoopSleep {
  private wakeFn: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly stopping: () => boolean,
  ) {}

  wake(): void {
    this.wakeFn?.();
  }

  sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const t = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        if (t) clearTimeout(t);
        resolve();
      }
      this.wakeFn = () => {
        if (ms !== undefined && !this.stopping()) return; // a linger waits its time out (or a stop)
        this.wakeFn = undefined;
        done();
      };
      if (ms !== undefined) this.signal.addEventListener('abort', done, { once: true });
    });
  }
}
