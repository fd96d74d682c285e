import fs from 'node:fs/promises';
import path from 'node:path';

export interface FsUsage {
  /** The mount as the host sees it (`/var/lib/docker`), not the path under host_root. */
  mount: string;
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
  /** Used over used + available, as `df` prints it (the reserved blocks are not counted free). */
  usedPercent: number;
  /** Absent on file systems without a fixed inode table (btrfs reports 0 files). */
  inodesUsedPercent?: number;
}

/**
 * One statfs(2) of a host path seen through host_root. In a sidecar whose host_root lacks the
 * host's root file system, `<host_root>/` is a folder of the container's own root: its figures
 * would look right and be wrong, so that case is refused with the mount to add.
 */
export async function statMount(hostRoot: string, mount: string): Promise<FsUsage> {
  if (path.resolve(hostRoot) !== '/' && mount === '/') {
    const [inside, own] = await Promise.all([fs.stat(hostRoot), fs.stat('/')]);
    if (inside.dev === own.dev)
      throw new Error(`${hostRoot} is not the host's root file system (mount /:${hostRoot}:ro,rslave)`);
  }
  const s = await fs.statfs(path.join(hostRoot, mount));
  const used = (s.blocks - s.bfree) * s.bsize;
  const avail = s.bavail * s.bsize;
  const out: FsUsage = {
    mount,
    sizeBytes: s.blocks * s.bsize,
    usedBytes: used,
    availBytes: avail,
    usedPercent: used + avail > 0 ? (used / (used + avail)) * 100 : 0,
  };
  if (s.files > 0) out.inodesUsedPercent = ((s.files - s.ffree) / s.files) * 100;
  return out;
}

/** The mounts to watch: `/`, Docker's data-root when known, and the configured ones, once each. */
export function mountsToWatch(configured: readonly string[], dataRoot: string | undefined): string[] {
  const all = ['/', ...(dataRoot ? [dataRoot] : []), ...configured].map((m) => path.posix.normalize(m));
  return [...new Set(all)];
}
