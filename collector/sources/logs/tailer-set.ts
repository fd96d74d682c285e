import path from 'node:path';
import type { Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import type { ContainerInfo, DiscoveryChange } from '../docker/types';
import { ApiTailer, type LogsApi } from './api';
import type { Checkpoints } from './checkpoint-writer';
import type { LogsConfig } from './config';
import type { StartSpec } from './follower';
import { tailMetrics } from './metrics';
import type { Rendezvous } from './rendezvous';
import { type TailBatch, Tailer } from './tailer';

export type AnyTailer = Tailer | ApiTailer;

/** What a tailer hands on: its batch, and itself to acknowledge it. */
export interface Tailed {
  batch: TailBatch;
  tailer: AnyTailer;
}

export interface TailerSetDeps {
  /** The source's logger. */
  logger: Logger;
  clock: Clock;
  host: string;
  checkpoints: Checkpoints;
  /** For containers whose driver is not json-file; without it they are only reported. */
  docker?: LogsApi;
  /** The engine is on another machine: read every container through the API. */
  remoteEngine?: boolean;
  /** Where the host's filesystem is mounted; the engine reports host paths. */
  hostRoot?: string;
}

/**
 * How a container's logs are read: its json-file on disk, the Engine API logs stream, not yet
 * (a json-file container whose log path is not known yet: an `updated` will bring it), or not at all.
 */
export function readerFor(
  c: ContainerInfo,
  cfg: Pick<LogsConfig, 'api_fallback'>,
  deps: Pick<TailerSetDeps, 'docker' | 'remoteEngine'>,
): 'file' | 'wait' | 'api' | 'unsupported' {
  if (c.logDriver === 'json-file' && !deps.remoteEngine) return c.logPath ? 'file' : 'wait';
  if (c.logDriver !== 'none' && cfg.api_fallback && deps.docker) return 'api';
  return 'unsupported';
}

/** Where a file tailer begins: its checkpoint if it has one, else as `start_at` says. */
export function startSpec(checkpoints: Checkpoints, id: string, startAt: LogsConfig['start_at']): StartSpec {
  const c = checkpoints.get(id);
  if (c?.kind === 'file') return { kind: 'checkpoint', checkpoint: c };
  return startAt === 'beginning'
    ? { kind: 'oldest' }
    : startAt === 'end'
      ? { kind: 'end' }
      : { kind: 'live-start' };
}

/**
 * One tailer per container that discovery reports, started, updated and removed as it changes;
 * each tailer's batches go into the rendezvous, one at a time.
 */
export class TailerSet {
  private readonly tailers = new Map<string, AnyTailer>();
  /** Containers already logged about (API fallback or unsupported driver), to say it once. */
  private readonly reported = new Set<string>();
  /** Only what a tailer uses (not the engine client or the mount). */
  private readonly tailerDeps: Pick<TailerSetDeps, 'logger' | 'clock' | 'host' | 'checkpoints'>;

  constructor(
    private readonly cfg: LogsConfig,
    private readonly deps: TailerSetDeps,
    private readonly out: Rendezvous<Tailed>,
    private readonly signal: AbortSignal,
  ) {
    const { logger, clock, host, checkpoints } = deps;
    this.tailerDeps = { logger, clock, host, checkpoints };
  }

  /** A discovery change: a new container gets a tailer, a known one its new metadata. */
  onChange(ch: DiscoveryChange): void {
    if (ch.type === 'removed') {
      this.tailers.get(ch.id)?.remove();
      this.reported.delete(ch.id);
      return;
    }
    const t = this.tailers.get(ch.container.meta.id);
    if (t) {
      t.update(ch.container.meta);
      if (t instanceof Tailer) t.setRunning(ch.container.running);
    } else this.start(ch.container);
  }

  private start(c: ContainerInfo): void {
    const reader = readerFor(c, this.cfg, this.deps);
    if (reader === 'file') this.startFile(c);
    else if (reader === 'api') this.startApi(c);
    else if (reader === 'unsupported') this.reportUnsupported(c);
  }

  private startFile(c: ContainerInfo): void {
    const { meta } = c;
    const t = new Tailer(meta, path.join(this.deps.hostRoot ?? '/', c.logPath!), this.cfg, this.tailerDeps);
    t.setRunning(c.running);
    this.tailers.set(meta.id, t);
    const spec = startSpec(this.deps.checkpoints, meta.id, this.cfg.start_at);
    void this.pump(meta.id, t, t.batches(spec, this.signal), 'file');
  }

  private startApi(c: ContainerInfo): void {
    const { meta } = c;
    if (!this.reported.has(meta.id))
      this.deps.logger.info(
        { containerId: meta.id, container: meta.name, driver: c.logDriver },
        this.deps.remoteEngine
          ? 'remote engine: reading the Engine API logs stream'
          : 'log driver has no file to tail: reading the Engine API logs stream',
      );
    this.reported.add(meta.id);
    const t = new ApiTailer(meta, this.deps.docker!, this.cfg, this.tailerDeps);
    this.tailers.set(meta.id, t);
    void this.pump(meta.id, t, t.batches(this.signal), 'api');
  }

  private reportUnsupported(c: ContainerInfo): void {
    const { meta } = c;
    if (this.reported.has(meta.id)) return;
    this.reported.add(meta.id);
    tailMetrics.unsupported.inc({ driver: c.logDriver });
    this.deps.logger.warn(
      { containerId: meta.id, container: meta.name, driver: c.logDriver },
      this.deps.remoteEngine && c.logDriver !== 'none'
        ? "remote engine and collector.logs.api_fallback is off: this container's logs are skipped"
        : 'container logs cannot be read with this log driver: skipped',
    );
  }

  /** Hands one tailer's batches on until it ends or fails; a later discovery restarts a failed one. */
  private async pump(id: string, t: AnyTailer, gen: AsyncGenerator<TailBatch>, mode: string): Promise<void> {
    tailMetrics.tailers.inc({ mode });
    try {
      for await (const batch of gen) await this.out.put({ batch, tailer: t }, this.signal);
    } catch (err) {
      if (!this.signal.aborted)
        this.deps.logger.error(
          { err, containerId: id },
          'log tailer failed; it restarts when discovery reports the container again',
        );
    } finally {
      tailMetrics.tailers.dec({ mode });
      if (this.tailers.get(id) === t) this.tailers.delete(id);
    }
  }
}
