import path from 'node:path';
import type { Logger } from '../../../core/logger';
import { detectCgroupMode, type CgroupMode } from '../docker/cgroup-path';
import type { StatsConfig } from './config';

export type StatsMode = CgroupMode | 'api';

/**
 * Where this round's stats come from: the cgroup files when a hierarchy is visible under
 * `hostRoot` and the engine is local (or `mode: cgroup` insists), else the Engine API.
 */
export function chooseStatsMode(
  configured: StatsConfig['mode'],
  o: { hostRoot: string; remoteEngine: boolean; logger: Logger },
): StatsMode {
  if (configured === 'api') return 'api';
  const cg = detectCgroupMode(o.hostRoot);
  // A remote engine's containers are not in this host's cgroups.
  if (cg && (!o.remoteEngine || configured === 'cgroup')) return cg;
  if (configured === 'cgroup')
    o.logger.warn(
      { hostRoot: o.hostRoot },
      `no cgroup hierarchy under ${path.join(o.hostRoot, 'sys/fs/cgroup')}; using the Engine API`,
    );
  return 'api';
}
