import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep, type Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import type { Source, SourceBatch } from '../../source';
import type { DockerClient } from '../docker/client';
import type { ContainerDirectory } from '../docker/types';
import { commonDeps, defineSource } from '../kind';
import { statsConfigSchema, type StatsConfig } from './config';
import { chooseStatsMode } from './mode';
import { parseMemTotal } from './parse';
import { SnapshotReader } from './reader';
import { StatsSampler } from './sampler';

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

/**
 * Samples every running container's resources each interval: cgroup files read directly (v1
 * or v2, as cAdvisor does), so dockerd does no work for us; the Engine API's one-shot stats
 * where the files cannot be read.
 */
export function createStatsSource(cfg: StatsConfig, deps: StatsDeps): Source {
  const logger = deps.logger.child({ component: 'source', source: 'stats' });
  const hostRoot = deps.hostRoot ?? '/';
  const now = deps.now ?? (() => process.hrtime.bigint());
  const reader = new SnapshotReader({ logger, clock: deps.clock, hostRoot, now, client: deps.client });
  const sampler = new StatsSampler({
    logger,
    clock: deps.clock,
    host: deps.host,
    containers: deps.containers,
    reader,
    now,
    hostCpus: deps.hostCpus ?? os.cpus().length,
    hostMemBytes: readHostMem(hostRoot),
  });
  return {
    name: 'stats',
    async *run(signal: AbortSignal): AsyncIterable<SourceBatch> {
      const mode = chooseStatsMode(cfg.mode, { hostRoot, remoteEngine: !!deps.client?.remote, logger });
      logger.info(
        { mode, hostRoot, intervalMs: cfg.interval },
        mode === 'api'
          ? 'container stats from the Engine API (one-shot)'
          : `container stats from cgroup ${mode} files`,
      );
      while (!signal.aborted) {
        const t0 = deps.clock.now();
        const events = await sampler.collect(mode);
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
