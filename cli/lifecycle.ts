import { setMaxListeners } from 'node:events';
import type { Logger } from '../core/logger';

/**
 * What a running command owns, closed in reverse order of opening on SIGINT/SIGTERM, so
 * Ctrl-C stops exactly what was started: sources first, then sinks drain, then the store.
 */
export class Resources {
  private readonly closers: Array<{ name: string; close: () => Promise<void> | void }> = [];
  readonly controller = new AbortController();

  constructor(private readonly logger: Logger) {
    // Every source, stream and timer listens on this one signal: many listeners is the design.
    setMaxListeners(1000, this.controller.signal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  add(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  /** Runs a long-lived task; its failure stops the whole process (a collector half-running is worse than none). */
  task(name: string, run: Promise<void>): void {
    run.catch((err: unknown) => {
      if (this.signal.aborted) return;
      this.logger.fatal({ err, task: name }, 'a component failed; stopping');
      process.exitCode = 1;
      this.controller.abort(new Error(`${name} failed`));
    });
  }

  /** Resolves once SIGINT or SIGTERM arrived (or a task failed) and everything is closed. */
  async untilStopped(onHangup?: () => void): Promise<void> {
    const stop = (sig: string) => {
      this.logger.info({ signal: sig }, 'stopping');
      this.controller.abort(new Error(sig));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (onHangup) process.on('SIGHUP', onHangup);
    if (!this.signal.aborted)
      await new Promise((r) => this.signal.addEventListener('abort', r, { once: true }));
    await this.closeAll();
  }

  async closeAll(): Promise<void> {
    for (const { name, close } of this.closers.reverse()) {
      try {
        await close();
      } catch (err) {
        this.logger.warn({ err, component: name }, 'error while closing');
      }
    }
    this.closers.length = 0;
  }
}
