import type { Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import { candidateCgroupPaths } from '../docker/cgroup-path';
import type { DockerClient } from '../docker/client';
import type { ContainerInfo } from '../docker/types';
import { snapshotFromApi, type ApiStats } from './api';
import { statsMetrics } from './metrics';
import type { StatsMode } from './mode';
import { readCgroup, type Snapshot } from './snapshot';

export interface ReadResult {
  snap?: Snapshot;
  used: StatsMode;
  /** Taken with the snapshot's monotonic time, so a sample is stamped when it was read. */
  ts: number;
}

export interface SnapshotReaderDeps {
  logger: Logger;
  clock: Clock;
  hostRoot: string;
  /** Monotonic ns. */
  now: () => bigint;
  /** For the Engine API fallback; without it, containers whose cgroups are unreadable are skipped. */
  client?: Pick<DockerClient, 'containerStats'>;
}

/** Consecutive failed cgroup reads of a running container after which the API takes over. */
const MISSES_BEFORE_FALLBACK = 3;

/**
 * One container's snapshot, from its cgroup files or, for a container whose files cannot be
 * read, from the Engine API; remembers per container which of the two it settled on.
 */
export class SnapshotReader {
  private readonly fellBack = new Set<string>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly deps: SnapshotReaderDeps) {}

  async read(c: ContainerInfo, mode: StatsMode): Promise<ReadResult> {
    if (mode !== 'api' && !this.fellBack.has(c.meta.id)) {
      const fromCgroup = await this.fromCgroup(c, mode);
      if (fromCgroup) return fromCgroup;
    }
    const ts = this.deps.clock.now();
    return { snap: await this.viaApi(c), used: 'api', ts };
  }

  /** Drops what it remembers of containers no longer running. */
  forget(live: ReadonlySet<string>): void {
    for (const id of this.failures.keys()) if (!live.has(id)) this.failures.delete(id);
    for (const id of this.fellBack) if (!live.has(id)) this.fellBack.delete(id);
  }

  /** Undefined when this container now reads from the API; throws to skip the round. */
  private async fromCgroup(
    c: ContainerInfo,
    mode: Exclude<StatsMode, 'api'>,
  ): Promise<ReadResult | undefined> {
    const cgroupPath = c.cgroupPath ?? candidateCgroupPaths(c.meta.id)[mode === 'v1' ? 0 : 1]!;
    try {
      const ts = this.deps.clock.now();
      const snap = await readCgroup(
        { hostRoot: this.deps.hostRoot, mode, cgroupPath, pid: c.pid },
        this.deps.now,
      );
      this.failures.delete(c.meta.id);
      return { snap, used: mode, ts };
    } catch (err) {
      statsMetrics.errors.inc({ mode });
      // A container being torn down loses its cgroup mid-read (ENOENT, ENODEV): skip the round.
      // Fall back only when access is denied, or the files stay missing while it runs.
      const code = (err as NodeJS.ErrnoException).code;
      const misses = (this.failures.get(c.meta.id) ?? 0) + 1;
      this.failures.set(c.meta.id, misses);
      const denied = code === 'EACCES' || code === 'EPERM';
      if (!this.deps.client || (!denied && misses < MISSES_BEFORE_FALLBACK)) throw err;
      this.fellBack.add(c.meta.id);
      this.deps.logger.warn(
        { container: c.meta.name, err: (err as Error).message },
        'cgroup files not readable for this container; using the Engine API stats',
      );
      return undefined;
    }
  }

  private async viaApi(c: ContainerInfo): Promise<Snapshot | undefined> {
    if (!this.deps.client) return undefined;
    const s = (await this.deps.client.containerStats(c.meta.id)) as ApiStats;
    return snapshotFromApi(s, Number(this.deps.now()));
  }
}
