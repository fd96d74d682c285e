/** A sleep that another part of the tailer can cut short (container removed, source stopping). */
export class Wakeup {
  private fireFn: (() => void) | undefined;
  private fired = false;

  fire(): void {
    this.fired = true;
    this.fireFn?.();
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.fired || signal.aborted) {
      this.fired = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.fireFn = undefined;
        this.fired = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.fireFn = done;
    });
  }
}
