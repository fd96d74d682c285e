import { pause } from '../../core/pause';

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
    if (ms === undefined)
      return new Promise((resolve) => {
        this.wakeFn = () => {
          this.wakeFn = undefined;
          resolve();
        };
      });
    // The signal lives as long as the runner and a linger comes with nearly every batch:
    // pause() takes its abort listener off again however the linger ends.
    const linger = pause(ms, this.signal);
    this.wakeFn = () => {
      if (this.stopping()) linger.wake(); // a linger waits its time out (or a stop)
    };
    return linger.ended;
  }
}
