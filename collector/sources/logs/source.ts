import path from 'node:path';
import type { Source, SourceBatch, SourceDeps } from '../../source';
import type { ContainerInfo, DiscoveryChange } from '../docker/types';
import type { LogsApi } from './api';
import { ApiTailer } from './api';
import { CheckpointStore } from './checkpoints';
import type { LogsConfig } from './config';
import type { StartSpec } from './follower';
import { Rendezvous } from './rendezvous';
import { tailMetrics } from './metrics';
import { type TailBatch, Tailer } from './tailer';

export interface LogSourceDeps extends SourceDeps {
  /** For containers whose driver is not json-file; without it they are only reported. */
  docker?: LogsApi;
  /** The engine is on another machine: its json-file logs are not on this disk, read every container through the API. */
  remoteEngine?: boolean;
  /** Where the host's filesystem is mounted when lookout runs in a container (`host_root`); the engine reports host paths. */
  hostRoot?: string;
}

type AnyTailer = Tailer | ApiTailer;

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

// eslint-disable-next-line max-lines-per-function -- not split yet (issue 12): starting, stopping and draining tailers share the tailer map and the rendezvous.
async function* runLogSource(
  cfg: LogsConfig,
  deps: LogSourceDeps,
  signal: AbortSignal,
): AsyncGenerator<SourceBatch<'log'>> {
  const log = deps.logger.child({ component: 'source', source: 'logs' });
  if (!cfg.enabled) return;
  const checkpoints = new CheckpointStore(deps.store);
  const rendezvous = new Rendezvous<{ batch: TailBatch; tailer: AnyTailer }>();
  const tailers = new Map<string, AnyTailer>();
  const reported = new Set<string>();
  const tdeps = { logger: log, clock: deps.clock, host: deps.host, checkpoints };

  const startSpec = (id: string): StartSpec => {
    const c = checkpoints.get(id);
    if (c?.kind === 'file') return { kind: 'checkpoint', checkpoint: c };
    return cfg.start_at === 'beginning'
      ? { kind: 'oldest' }
      : cfg.start_at === 'end'
        ? { kind: 'end' }
        : { kind: 'live-start' };
  };

  const pump = async (id: string, t: AnyTailer, gen: AsyncGenerator<TailBatch>, mode: string) => {
    tailMetrics.tailers.inc({ mode });
    try {
      for await (const batch of gen) await rendezvous.put({ batch, tailer: t }, signal);
    } catch (err) {
      if (!signal.aborted)
        log.error(
          { err, containerId: id },
          'log tailer failed; it restarts when discovery reports the container again',
        );
    } finally {
      tailMetrics.tailers.dec({ mode });
      if (tailers.get(id) === t) tailers.delete(id);
    }
  };

  const start = (c: ContainerInfo) => {
    const id = c.meta.id;
    if (c.logDriver === 'json-file' && c.logPath && !deps.remoteEngine) {
      const t = new Tailer(c.meta, path.join(deps.hostRoot ?? '/', c.logPath), cfg, tdeps);
      t.setRunning(c.running);
      tailers.set(id, t);
      void pump(id, t, t.batches(startSpec(id), signal), 'file');
      return;
    }
    if (c.logDriver === 'json-file' && !deps.remoteEngine) return; // log path not known yet: an `updated` will bring it
    if (c.logDriver !== 'none' && cfg.api_fallback && deps.docker) {
      if (!reported.has(id))
        log.info(
          { containerId: id, container: c.meta.name, driver: c.logDriver },
          deps.remoteEngine
            ? 'remote engine: reading the Engine API logs stream'
            : 'log driver has no file to tail: reading the Engine API logs stream',
        );
      reported.add(id);
      const t = new ApiTailer(c.meta, deps.docker, cfg, tdeps);
      tailers.set(id, t);
      void pump(id, t, t.batches(signal), 'api');
      return;
    }
    if (reported.has(id)) return;
    reported.add(id);
    tailMetrics.unsupported.inc({ driver: c.logDriver });
    log.warn(
      { containerId: id, container: c.meta.name, driver: c.logDriver },
      deps.remoteEngine && c.logDriver !== 'none'
        ? "remote engine and collector.logs.api_fallback is off: this container's logs are skipped"
        : 'container logs cannot be read with this log driver: skipped',
    );
  };

  const onChange = (ch: DiscoveryChange) => {
    if (ch.type === 'removed') {
      tailers.get(ch.id)?.remove();
      reported.delete(ch.id);
      return;
    }
    const t = tailers.get(ch.container.meta.id);
    if (t) {
      t.update(ch.container.meta);
      if (t instanceof Tailer) t.setRunning(ch.container.running);
    } else start(ch.container);
  };

  const unwatch = deps.containers.watch(onChange);
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
