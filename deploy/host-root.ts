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
export function detectHostRoot(configured: string | undefined, exists: (p: string) => boolean = fs.existsSync): HostRootDecision {
  if (configured && path.resolve(configured) !== '/') return { hostRoot: configured, reason: `host_root set to ${configured}` };
  // meminfo rather than the folder: an empty mount point left by a missing bind would pass.
  if (exists(path.join(SIDECAR_HOST_ROOT, 'proc', 'meminfo'))) {
    return { hostRoot: SIDECAR_HOST_ROOT, reason: `the host's /proc is mounted at ${SIDECAR_HOST_ROOT}/proc` };
  }
  return { hostRoot: '/', reason: inContainer(exists) ? `no ${SIDECAR_HOST_ROOT}/proc in this container: reading its own /proc` : 'running on the host' };
}

/** True inside a Docker (or Podman) container. */
export function inContainer(exists: (p: string) => boolean = fs.existsSync): boolean {
  return exists('/.dockerenv') || exists('/run/.containerenv');
}
