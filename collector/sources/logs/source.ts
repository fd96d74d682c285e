import type { Source, SourceBatch, SourceDeps } from '../../source';
import type { LogsApi } from './api';
import { CheckpointWriter } from './checkpoint-writer';
import { CheckpointStore } from './checkpoints';
import type { LogsConfig } from './config';
import { Rendezvous } from './rendezvous';
import { type Tailed, TailerSet } from './tailer-set';

export interface LogSourceDeps extends SourceDeps {
  /** For containers whose driver is not json-file; without it they are only reported. */
  docker?: LogsApi;
  /** The engine is on another machine: its json-file logs are not on this disk, read every container through the API. */
  remoteEngine?: boolean;
  /** Where the host's filesystem is mounted when lookout runs in a container (`host_root`); the engine reports host paths. */
  hostRoot?: string;
}

/**
 * The log source: one tailer per container the directory reports, each reading its json-file
 * log from disk (the logs API for other drivers), all merged into one stream of batches.
 *
 *   directory.watch ──► tailer(c1) ─┐
 *                       tailer(c2) ─┼─► rendezvous ► run() ─► pipeline ──► bus
 *                       api(c3)   ──┘       ▲                      │
 *                                           └── onDelivered ◄──────┘ (checkpoint)
 */
export function createLogSource(cfg: LogsConfig, deps: LogSourceDeps): Source {
  return {
    name: 'logs',
    // SourceBatch<'log'> is one of SourceBatch<Topic>'s shapes; TS cannot see it through the generic `EventOf`.
    run: (signal) => runLogSource(cfg, deps, signal) as AsyncIterable<SourceBatch>,
  };
}

async function* runLogSource(
  cfg: LogsConfig,
  deps: LogSourceDeps,
  signal: AbortSignal,
): AsyncGenerator<SourceBatch<'log'>> {
  const log = deps.logger.child({ component: 'source', source: 'logs' });
  if (!cfg.enabled) return;
  const rendezvous = new Rendezvous<Tailed>();
  const { clock, host, docker, remoteEngine, hostRoot } = deps;
  const checkpoints = new CheckpointWriter(
    new CheckpointStore(deps.store),
    clock,
    cfg.checkpoint_interval,
    log,
  );
  // Stopping: what is held goes to the store now, while it is open (it closes after delivery
  // drains); the batches delivered while draining are written one by one.
  const flush = () => safely(log, () => checkpoints.flush());
  signal.addEventListener('abort', flush, { once: true });
  const tailers = new TailerSet(
    cfg,
    { logger: log, clock, host, checkpoints, docker, remoteEngine, hostRoot },
    rendezvous,
    signal,
  );
  const unwatch = deps.containers.watch((ch) => tailers.onChange(ch));
  try {
    for (;;) {
      const item = await rendezvous.take(signal);
      if (!item) return;
      const { batch, tailer } = item;
      yield {
        topic: 'log',
        events: batch.events,
        onDelivered: () => safely(log, () => tailer.delivered(batch)),
        onFailed: (err) => tailer.failedDelivery(err),
      };
    }
  } finally {
    unwatch();
    signal.removeEventListener('abort', flush);
    flush();
  }
}

/** A checkpoint write after shutdown (store closed) must not throw into the pipeline. */
function safely(log: { warn(o: object, m: string): void }, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not write a log checkpoint');
  }
}
