import type { Clock } from '../../../core/clock';
import type { MetricSample } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { ContainerDirectory, ContainerInfo } from '../docker/types';
import { computeSamples } from './compute';
import { statsMetrics } from './metrics';
import type { StatsMode } from './mode';
import type { ReadResult, SnapshotReader } from './reader';
import type { Snapshot } from './snapshot';

export interface SamplerDeps {
  logger: Logger;
  clock: Clock;
  host: string;
  containers: ContainerDirectory;
  reader: Pick<SnapshotReader, 'read' | 'forget'>;
  /** Monotonic ns, for the round's duration. */
  now: () => bigint;
  hostCpus: number;
  hostMemBytes?: number;
}

/** Containers read at once: enough to hide file latency, few enough not to flood dockerd's API. */
const CONCURRENCY = 16;

/**
 * One round over every running container: a snapshot each, turned into samples against the
 * container's previous snapshot (CPU and I/O are rates), plus the count of running containers.
 */
export class StatsSampler {
  private readonly prev = new Map<string, Snapshot>();

  constructor(private readonly deps: SamplerDeps) {}

  async collect(mode: StatsMode): Promise<MetricSample[]> {
    const started = this.deps.now();
    const ts = this.deps.clock.now();
    const running = this.deps.containers.list().filter((c) => c.running);
    const out: MetricSample[] = [];
    for (let i = 0; i < running.length; i += CONCURRENCY) {
      const chunk = running.slice(i, i + CONCURRENCY);
      const results = await Promise.allSettled(chunk.map((c) => this.deps.reader.read(c, mode)));
      results.forEach((r, j) => out.push(...this.samplesOf(chunk[j]!, r, mode)));
    }
    const live = new Set(running.map((c) => c.meta.id));
    for (const id of this.prev.keys()) if (!live.has(id)) this.prev.delete(id);
    this.deps.reader.forget(live);
    out.push({
      kind: 'metric',
      host: this.deps.host,
      ts,
      name: 'containers.running',
      value: running.length,
      type: 'gauge',
    });
    statsMetrics.lastDuration.set(Number(this.deps.now() - started) / 1e9);
    return out;
  }

  private samplesOf(c: ContainerInfo, r: PromiseSettledResult<ReadResult>, mode: StatsMode): MetricSample[] {
    if (r.status === 'rejected' || !r.value.snap) {
      // Usually the container stopped between the list and the read; discovery will tell.
      if (r.status === 'rejected') {
        this.deps.logger.debug({ container: c.meta.name, err: String(r.reason) }, 'stats read failed');
        if (mode === 'api') statsMetrics.errors.inc({ mode });
      }
      return [];
    }
    statsMetrics.reads.inc({ mode: r.value.used });
    const samples = computeSamples(this.prev.get(c.meta.id), r.value.snap, {
      host: this.deps.host,
      ts: r.value.ts,
      container: c.meta,
      hostCpus: this.deps.hostCpus,
      hostMemBytes: this.deps.hostMemBytes,
      cpuLimitCores: c.cpuLimitCores,
      skipNet: c.networkMode === 'host',
    });
    this.prev.set(c.meta.id, r.value.snap);
    return samples;
  }
}
