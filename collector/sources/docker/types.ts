import type { ContainerMeta } from '../../../core/events';

/** What discovery knows of one container: the event metadata plus what the readers need. */
export interface ContainerInfo {
  meta: ContainerMeta;
  /** json-file log path as the engine reports it (host path; see `host_root`). */
  logPath?: string;
  /** `json-file`, `local`, `journald`, `none`... Only json-file is tailed from disk. */
  logDriver: string;
  /** Main process pid on the host (0 when not running). */
  pid: number;
  /** cgroup path relative to the cgroup mount, e.g. `/docker/<id>` (v1) or `/system.slice/docker-<id>.scope` (v2). */
  cgroupPath?: string;
  running: boolean;
  startedAt?: string;
  /** Current health, when the container has a HEALTHCHECK. */
  health?: 'starting' | 'healthy' | 'unhealthy';
  /** CPU limit in cores (NanoCpus or quota/period), undefined when unlimited. */
  cpuLimitCores?: number;
  memoryLimitBytes?: number;
  /** Docker's state word: `created`, `running`, `paused`, `restarting`, `exited`, `dead`. */
  state?: string;
  /** For a stopped container: its last exit code, and whether the kernel OOM-killed it. */
  exitCode?: number;
  oomKilled?: boolean;
  /** Docker's RestartCount: restarts under the container's restart policy. */
  restartCount?: number;
  /** Started with a TTY: its logs stream has no stdout/stderr frame headers. */
  tty?: boolean;
  /** `bridge`, `host`, `none`, `container:<id>`...: with `host`, /proc/<pid>/net/dev is the host's, not the container's. */
  networkMode?: string;
}

/** What discovery tells the readers, in the order it learns it. */
export type DiscoveryChange =
  | { type: 'added'; container: ContainerInfo }
  | { type: 'updated'; container: ContainerInfo }
  | { type: 'removed'; id: string };

/** The read side of discovery that sources use: a cache and a change feed. */
export interface ContainerDirectory {
  get(id: string): ContainerInfo | undefined;
  list(): ContainerInfo[];
  /** Calls `fn` for every change from now on (and once `added` per container already known). Returns an unsubscribe. */
  watch(fn: (change: DiscoveryChange) => void): () => void;
}
