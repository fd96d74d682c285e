import type { Logger } from '../../../core/logger';

/**
 * Logs each problem of a round once when it starts and once when it ends, keyed by what failed
 * (`proc/loadavg`, `mount /srv/data`, `engine`): a vanished mount must say so clearly but not
 * every ten seconds for a week.
 */
export class ProblemLog {
  private open = new Map<string, string>();

  constructor(
    private readonly log: Logger,
    private readonly hint: (key: string) => string,
  ) {}

  /** The problems of this round, key to message; every key absent from it is over. */
  round(now: ReadonlyMap<string, string>): void {
    for (const [key, message] of now) {
      if (this.open.has(key)) continue;
      this.log.warn({ what: key, err: message }, `host metrics: cannot read ${key}: ${this.hint(key)}`);
    }
    for (const key of this.open.keys()) {
      if (!now.has(key)) this.log.info({ what: key }, `host metrics: ${key} readable again`);
    }
    this.open = new Map(now);
  }
}
