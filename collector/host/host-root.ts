import fs from 'node:fs';
import path from 'node:path';

/** Where the sidecar image expects the host's root paths (compose: `/proc:/host/proc:ro`). */
export const SIDECAR_HOST_ROOT = '/host';

export interface HostRootDecision {
  hostRoot: string;
  /** One line for the start-up log: why this root. */
  reason: string;
}

/**
 * The `host_root` to use. An explicit setting other than `/` wins. Otherwise, when the host's
 * /proc is visible under /host (the sidecar's mounts), use /host: a collector in a container
 * that read its own /proc and cgroup would see only itself. `/` is also the config default, so
 * it is treated as "not set"; on the host itself there is no /host/proc and `/` stays.
 */
export function detectHostRoot(
  configured: string | undefined,
  exists: (p: string) => boolean = fs.existsSync,
): HostRootDecision {
  if (configured && path.resolve(configured) !== '/')
    return { hostRoot: configured, reason: `host_root set to ${configured}` };
  // meminfo rather than the folder: an empty mount point left by a missing bind would pass.
  if (exists(path.join(SIDECAR_HOST_ROOT, 'proc', 'meminfo'))) {
    return {
      hostRoot: SIDECAR_HOST_ROOT,
      reason: `the host's /proc is mounted at ${SIDECAR_HOST_ROOT}/proc`,
    };
  }
  if (!inContainer(exists)) return { hostRoot: '/', reason: 'running on the host' };
  return {
    hostRoot: '/',
    reason: engineInOurPidNamespace()
      ? 'in a container that runs the Docker engine itself: its /proc is the host view'
      : `no ${SIDECAR_HOST_ROOT}/proc in this container: reading its own /proc`,
  };
}

/**
 * True when dockerd runs in our own pid namespace (Docker-in-Docker, a CI sandbox, a VM-like
 * container). Then the engine's containers are our children's children, their /proc entries and
 * cgroups are ours to read, and none of the sidecar's /host mounts is needed.
 */
export function engineInOurPidNamespace(procRoot = '/proc'): boolean {
  let pids: string[];
  try {
    pids = fs.readdirSync(procRoot).filter((n) => /^\d+$/.test(n));
  } catch {
    return false;
  }
  for (const pid of pids) {
    try {
      if (fs.readFileSync(path.join(procRoot, pid, 'comm'), 'utf8').trim() === 'dockerd') return true;
    } catch {
      // Exited while we looked.
    }
  }
  return false;
}

/** In a container that does not run the engine it watches: the sidecar layout applies. */
export function inSidecarContainer(
  exists: (p: string) => boolean = fs.existsSync,
  procRoot = '/proc',
): boolean {
  return inContainer(exists) && !engineInOurPidNamespace(procRoot);
}

/** True inside a Docker (or Podman) container. */
export function inContainer(exists: (p: string) => boolean = fs.existsSync): boolean {
  return exists('/.dockerenv') || exists('/run/.containerenv');
}
