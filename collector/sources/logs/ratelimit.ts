import type { Logger } from '../../../core/logger';
import type { Clock } from '../../../core/clock';

/** Logs the first occurrence, then at most one line per interval with how many were suppressed. */
export class RateLimitedWarn {
  private last = -Infinity;
  private suppressed = 0;
  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly everyMs: number,
  ) {}

  warn(obj: Record<string, unknown>, msg: string): void {
    const now = this.clock.now();
    if (now - this.last < this.everyMs) {
      this.suppressed++;
      return;
    }
    this.logger.warn({ ...obj, suppressed: this.suppressed }, msg);
    this.last = now;
    this.suppressed = 0;
  }
}
