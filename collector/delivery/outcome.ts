import type { Clock } from '../../core/clock';
import { isRetriable } from '../../core/errors';
import type { LookoutEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import { PartialWriteError, type DeadLetter } from '../sinks/sink';
import * as m from './metrics';

/** What became of one write: counted on /metrics, and for a failure, where its events go. */
export class WriteOutcome {
  private readonly labels: { sink: string };
  /** When the writes started failing, undefined while the last one succeeded (for /healthz). */
  failingSince: number | undefined;

  constructor(
    private readonly sink: string,
    private readonly deps: { logger: Logger; clock: Clock; deadLetter: DeadLetter },
  ) {
    this.labels = { sink };
  }

  succeeded(events: LookoutEvent[]): void {
    m.delivered.inc(this.labels, events.length);
    countByKind(this.sink, events);
    m.lastSuccess.set(this.labels, this.deps.clock.now() / 1000);
    m.up.set(this.labels, 1);
    this.failingSince = undefined;
  }

  /**
   * A write failed. Retriable (or cut short by a stop): what is left goes to `keep` (the spool).
   * Not retriable (the backend will never take these): dead-letter them, never retry forever.
   * `attempt` is the retry count so far: a long outage warns on the first and every tenth.
   */
  failed(
    err: unknown,
    events: LookoutEvent[],
    at: { aborted: boolean; attempt: number },
    keep: (rest: LookoutEvent[]) => void,
    drop?: () => void,
  ): void {
    m.failures.inc(this.labels);
    m.up.set(this.labels, 0);
    this.failingSince ??= this.deps.clock.now();
    if (isRetriable(err) || at.aborted) {
      const rest = err instanceof PartialWriteError ? err.remaining : events;
      m.delivered.inc(this.labels, Math.max(0, events.length - rest.length));
      if (rest.length < events.length) {
        const left = new Set(rest);
        countByKind(
          this.sink,
          events.filter((e) => !left.has(e)),
        );
        m.lastSuccess.set(this.labels, this.deps.clock.now() / 1000);
      }
      if (at.attempt === 0 || at.attempt % 10 === 0)
        this.deps.logger.warn(
          { err: (err as Error).message, events: rest.length },
          'write failed; spooled for retry',
        );
      keep(rest);
      return;
    }
    this.deps.logger.error(
      { err: (err as Error).message, events: events.length },
      'backend refused the batch for good; dead-lettered',
    );
    this.deps.deadLetter.write(
      this.sink,
      events.map((event) => ({ event, reason: (err as Error).message })),
    );
    drop?.();
  }
}

/** Delivered events per sink and kind (logs, metrics, lifecycle, heartbeats): the "out" side of /metrics. */
function countByKind(sink: string, events: readonly LookoutEvent[]): void {
  const n: Partial<Record<LookoutEvent['kind'], number>> = {};
  for (const e of events) n[e.kind] = (n[e.kind] ?? 0) + 1;
  for (const [kind, count] of Object.entries(n)) m.deliveredByKind.inc({ sink, kind }, count);
}
