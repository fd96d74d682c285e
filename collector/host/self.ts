import fs from 'node:fs';

/**
 * The id of the container this process runs in, or undefined on the host.
 *
 * A sidecar must leave its own container out of discovery: it tails every container's log, its
 * own included, so with a stdout sink each line it prints is read back and printed again (the
 * message holding the previous line, escaped), a loop that grows until the disk fills. Discovery
 * skips this id (collector/sources/docker/exclude.ts, with the `docker.exclude` selectors).
 *
 * dockerd bind-mounts /etc/hostname, /etc/hosts and /etc/resolv.conf from the container's own
 * folder, `<data-root>/containers/<id>/`, which mountinfo shows whatever the cgroup version,
 * cgroup namespace or network mode; /proc/self/cgroup names the id only on cgroup v1 hosts.
 */
export function ownContainerId(
  read: (file: string) => string = (f) => fs.readFileSync(f, 'utf8'),
): string | undefined {
  const fromMounts = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf) \/etc\//;
  const fromCgroup = /(?:\/docker\/|docker-)([0-9a-f]{64})(?:\.scope)?$/m;
  for (const [file, re] of [
    ['/proc/self/mountinfo', fromMounts],
    ['/proc/self/cgroup', fromCgroup],
  ] as const) {
    try {
      const m = re.exec(read(file));
      if (m) return m[1];
    } catch {
      // not Linux, or /proc not mounted: try the next source
    }
  }
  return undefined;
}
