import type { Logger } from '../core/logger';
import type { Clock } from '../core/clock';
import type { StateStore } from '../core/store/store';
import type { EventOf, Topic } from '../core/events';
import type { ContainerDirectory } from './sources/docker/types';

/**
 * What a source yields: events for one topic, and optional callbacks the pipeline calls when
 * every subscriber has handled them (the log tailer checkpoints in `onDelivered`).
 */
export interface SourceBatch<K extends Topic = Topic> {
  topic: K;
  events: EventOf<K>[];
  onDelivered?: () => void;
  onFailed?: (err: unknown) => void;
}

/** Everything a source may use, handed in (never built inside a plug-in). */
export interface SourceDeps {
  logger: Logger;
  clock: Clock;
  store: StateStore;
  /** This host's name, stamped on every event. */
  host: string;
  containers: ContainerDirectory;
}

/** One pluggable kind of input. `run` yields batches until the signal aborts, then returns. */
export interface Source {
  readonly name: string;
  run(signal: AbortSignal): AsyncIterable<SourceBatch>;
}
