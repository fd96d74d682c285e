import type { Bus } from '../../core/bus/bus';
import type { Clock } from '../../core/clock';
import { TransientDeliveryError } from '../../core/errors';
import type { LookoutEvent } from '../../core/events';
import type { Logger } from '../../core/logger';

/**
 * One backend. `write` resolves when the backend acknowledged the whole batch, and throws a
 * LookoutError whose `retriable` says whether trying again can help. Batching, retries,
 * spooling and acknowledgement to the tailer are the delivery layer's job, not the sink's.
 */
export interface Sink {
  readonly name: string;
  /** Which event kinds this sink takes (an ES sink: logs and lifecycle; Graphite: metrics). */
  readonly accepts: ReadonlySet<LookoutEvent['kind']>;
  /** One-off setup before the first write (an index template); must not throw for a backend that is down. */
  start?(signal: AbortSignal): Promise<void>;
  write(events: LookoutEvent[], signal: AbortSignal): Promise<void>;
  /**
   * Writes are independent of each other (one HTTP request each), so delivery may run up to
   * `delivery.max_in_flight` at once. A stream sink (TCP lines) leaves this unset: one at a time.
   */
  readonly concurrentWrites?: boolean;
  /**
   * Events already written whose arrival the backend never confirmed and which must be sent
   * again (a TCP sink whose connection broke). The delivery layer spools them at shutdown.
   */
  takeUnconfirmed?(): LookoutEvent[];
  close(): Promise<void>;
}

/**
 * Part of a batch was taken and part must be tried again (Elasticsearch items answered 429 or
 * 5xx). `remaining` is what is left, in order; the rest counts as delivered. It may also hold
 * events of earlier batches the sink could not confirm (a broken TCP connection), placed first.
 */
export class PartialWriteError extends TransientDeliveryError {
  constructor(
    message: string,
    readonly remaining: LookoutEvent[],
    cause?: unknown,
  ) {
    super(message, cause);
  }
}

/** Where events a backend refused for good go, with the reason (NDJSON file, counted on /metrics). */
export interface DeadLetter {
  write(sink: string, items: Array<{ event: LookoutEvent; reason: string }>): void;
}

/** Everything a sink may use, handed in. */
export interface SinkDeps {
  logger: Logger;
  clock: Clock;
  deadLetter: DeadLetter;
  /** The fleet's bus, for the kafka sink; absent when events stay in this process. */
  bus?: Bus;
}

/** A sink plug-in: a small factory registered in collector/sinks/registry.ts. */
export type SinkFactory<C> = (config: C, deps: SinkDeps) => Sink;
