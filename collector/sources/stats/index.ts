import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep, type Clock } from '../../../core/clock';
import type { MetricSample } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { Source, SourceBatch } from '../../source';
import { candidateCgroupPaths, detectCgroupMode, type CgroupMode } from '../docker/cgroup-path';
import type { DockerClient } from '../docker/client';
import type { ContainerDirectory, ContainerInfo } from '../docker/types';
import { snapshotFromApi, type ApiStats } from './api';
import { computeSamples } from './compute';
import type { StatsConfig } from './config';
import { statsMetrics } from './metrics';
import { parseMemTotal } from './parse';
import { readCgroup, type Snapshot } from './snapshot';
import { commonDeps, defineSource } from '../kind';
import { statsConfigSchema } from './config';

export interface StatsDeps {
  logger: Logger;
  clock: Clock;
  host: string;
  containers: ContainerDirectory;
  /** For the Engine API fallback; without it, containers whose cgroups are unreadable are skipped. */
  client?: DockerClient;
  /** `host_root`: where the host's /proc and /sys/fs/cgroup are visible. */
  hostRoot?: string;
  /** Monotonic ns, for CPU deltas (tests may drive it). */
  now?: () => bigint;
  hostCpus?: number;
}

type Mode = CgroupMode | 'api';
const CONCURRENCY = 16;

/**
 * Samples every running container's resources each interval: cgroup files read directly (v1
 * or v2, as cAdvisor does), so dockerd does no work for us; the Engine API's one-shot stats
 * where the files cannot be read.
 */
export function createStatsSource(cfg: StatsConfig, deps: StatsDeps): Source {
  const log = deps.logger.child({ component: 'source', source: 'stats' });
  const hostRoot = deps.hostRoot ?? '/';
  const now = deps.now ?? (() => process.hrtime.bigint());
  const hostCpus = deps.hostCpus ?? os.cpus().length;
  const hostMemBytes = readHostMem(hostRoot);
  const prev = new Map<string, Snapshot>();
  const fellBack = new Set<string>();
  const failures = new Map<string, number>();

  function chooseMode(): Mode {
    if (cfg.mode === 'api') return 'api';
    const cg = detectCgroupMode(hostRoot);
    // A remote engine's containers are not in this host's cgroups.
    const local = !deps.client?.remote;
    if (cg && (local || cfg.mode === 'cgroup')) return cg;
    if (cfg.mode === 'cgroup')
      log.warn(
        { hostRoot },
        `no cgroup hierarchy under ${path.join(hostRoot, 'sys/fs/cgroup')}; using the Engine API`,
      );
    return 'api';
  }

  async function viaApi(c: ContainerInfo): Promise<Snapshot | undefined> {
    if (!deps.client) return undefined;
    const s = (await deps.client.containerStats(c.meta.id)) as ApiStats;
    return snapshotFromApi(s, Number(now()));
  }

  /** `ts` is taken with the snapshot's monotonic time, so a sample is stamped when it was read. */
  async function snapshot(
    c: ContainerInfo,
    mode: Mode,
  ): Promise<{ snap?: Snapshot; used: Mode; ts: number }> {
    if (mode !== 'api' && !fellBack.has(c.meta.id)) {
      const cgroupPath = c.cgroupPath ?? candidateCgroupPaths(c.meta.id)[mode === 'v1' ? 0 : 1]!;
      try {
        const ts = deps.clock.now();
        const snap = await readCgroup({ hostRoot, mode, cgroupPath, pid: c.pid }, now);
        failures.delete(c.meta.id);
        return { snap, used: mode, ts };
      } catch (err) {
        statsMetrics.errors.inc({ mode });
        // A container being torn down loses its cgroup mid-read (ENOENT, ENODEV): skip the round.
        // Fall back only when access is denied, or the files stay missing while it runs.
        const code = (err as NodeJS.ErrnoException).code;
        const misses = (failures.get(c.meta.id) ?? 0) + 1;
        failures.set(c.meta.id, misses);
        const denied = code === 'EACCES' || code === 'EPERM';
        if (!deps.client || (!denied && misses < 3)) throw err;
        fellBack.add(c.meta.id);
        log.warn(
          { container: c.meta.name, err: (err as Error).message },
          'cgroup files not readable for this container; using the Engine API stats',
        );
      }
    }
    const ts = deps.clock.now();
    return { snap: await viaApi(c), used: 'api', ts };
  }

  async function collect(mode: Mode): Promise<MetricSample[]> {
    const started = now();
    const ts = deps.clock.now();
    const running = deps.containers.list().filter((c) => c.running);
    const out: MetricSample[] = [];
    for (let i = 0; i < running.length; i += CONCURRENCY) {
      const results = await Promise.allSettled(
        running.slice(i, i + CONCURRENCY).map((c) => snapshot(c, mode)),
      );
      results.forEach((r, j) => {
        const c = running[i + j]!;
        if (r.status === 'rejected' || !r.value.snap) {
          // Usually the container stopped between the list and the read; discovery will tell.
          if (r.status === 'rejected')
            log.debug({ container: c.meta.name, err: String(r.reason) }, 'stats read failed');
          if (r.status === 'rejected' && mode === 'api') statsMetrics.errors.inc({ mode });
          return;
        }
        statsMetrics.reads.inc({ mode: r.value.used });
        const samples = computeSamples(prev.get(c.meta.id), r.value.snap, {
          host: deps.host,
          ts: r.value.ts,
          container: c.meta,
          hostCpus,
          hostMemBytes,
          cpuLimitCores: c.cpuLimitCores,
          skipNet: c.networkMode === 'host',
        });
        prev.set(c.meta.id, r.value.snap);
        out.push(...samples);
      });
    }
    const live = new Set(running.map((c) => c.meta.id));
    for (const m of [prev, failures]) for (const id of m.keys()) if (!live.has(id)) m.delete(id);
    for (const id of fellBack) if (!live.has(id)) fellBack.delete(id);
    out.push({
      kind: 'metric',
      host: deps.host,
      ts,
      name: 'containers.running',
      value: running.length,
      type: 'gauge',
    });
    statsMetrics.lastDuration.set(Number(now() - started) / 1e9);
    return out;
  }

  return {
    name: 'stats',
    async *run(signal: AbortSignal): AsyncIterable<SourceBatch> {
      const mode = chooseMode();
      log.info(
        { mode, hostRoot, intervalMs: cfg.interval },
        mode === 'api'
          ? 'container stats from the Engine API (one-shot)'
          : `container stats from cgroup ${mode} files`,
      );
      while (!signal.aborted) {
        const t0 = deps.clock.now();
        const events = await collect(mode);
        yield { topic: 'metric', events };
        try {
          await sleep(Math.max(0, cfg.interval - (deps.clock.now() - t0)), signal);
        } catch {
          return;
        }
      }
    },
  };
}

function readHostMem(hostRoot: string): number | undefined {
  try {
    return parseMemTotal(fs.readFileSync(path.join(hostRoot, 'proc/meminfo'), 'utf8'));
  } catch {
    return os.totalmem();
  }
}

export const statsSource = defineSource({
  schema: statsConfigSchema.prefault({}),
  enabled: (config) => config.enabled,
  create: (config, deps) =>
    createStatsSource(config, { ...commonDeps(deps), client: deps.docker, hostRoot: deps.hostRoot }),
});
