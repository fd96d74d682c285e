import fs from 'node:fs';
import path from 'node:path';

/** Which cgroup hierarchy the host runs: v2 (unified, one tree) or v1 (one tree per controller). */
export type CgroupMode = 'v1' | 'v2';

/**
 * `/sys/fs/cgroup/cgroup.controllers` exists only when the unified hierarchy is mounted at the
 * top; a v1 or hybrid host mounts it at `/sys/fs/cgroup/unified` at most.
 */
export function detectCgroupMode(hostRoot: string): CgroupMode | undefined {
  const base = path.join(hostRoot, 'sys/fs/cgroup');
  if (fs.existsSync(path.join(base, 'cgroup.controllers'))) return 'v2';
  if (fs.existsSync(path.join(base, 'memory')) || fs.existsSync(path.join(base, 'cpuacct'))) return 'v1';
  return undefined;
}

/**
 * The container's cgroup path from `/proc/<pid>/cgroup`. On v1 (and hybrid) hosts the memory
 * controller's line is taken (Docker puts every controller at the same path); on v2 the `0::` line.
 */
export function parseProcCgroup(text: string, mode: CgroupMode): string | undefined {
  let unified: string | undefined;
  let memory: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.+)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') unified = m[3];
    else if (m[2]!.split(',').includes('memory')) memory = m[3];
  }
  const p = mode === 'v1' ? (memory ?? unified) : unified;
  // Read from inside another cgroup namespace (the sidecar), paths are relative to ours: `/../../system.slice/...`.
  return p && !p.startsWith('/..') ? p : undefined;
}

/** The paths Docker uses with its two cgroup drivers (cgroupfs, systemd), tried in order. */
export function candidateCgroupPaths(id: string): string[] {
  return [`/docker/${id}`, `/system.slice/docker-${id}.scope`];
}

/**
 * The cgroup of a container: read from /proc when the pid is visible, else the first candidate
 * directory that exists (the process has gone, or /proc is not mounted in the sidecar).
 */
export function resolveCgroupPath(
  hostRoot: string,
  id: string,
  pid: number,
  mode = detectCgroupMode(hostRoot),
): string | undefined {
  if (!mode) return undefined;
  if (pid > 0) {
    try {
      const p = parseProcCgroup(
        fs.readFileSync(path.join(hostRoot, 'proc', String(pid), 'cgroup'), 'utf8'),
        mode,
      );
      if (p) return p;
    } catch {
      // Not visible from here: fall through to the usual locations.
    }
  }
  const base = path.join(hostRoot, 'sys/fs/cgroup', mode === 'v1' ? 'memory' : '');
  return candidateCgroupPaths(id).find((c) => fs.existsSync(path.join(base, c)));
}
