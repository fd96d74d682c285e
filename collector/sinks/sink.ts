import type { LookoutEvent } from '../../core/events';

/**
 * One backend. `write` resolves when the backend acknowledged the whole batch, and throws a
 * LookoutError whose `retriable` says whether trying again can help. Batching, retries,
 * spooling and acknowledgement to the tailer are the delivery layer's job, not the sink's.
 */
export interface Sink {
  readonly name: string;
  /** Which event kinds this sink takes (an ES sink: logs and lifecycle; Graphite: metrics). */
  readonly accepts: ReadonlySet<LookoutEvent['kind']>;
  write(events: LookoutEvent[], signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
