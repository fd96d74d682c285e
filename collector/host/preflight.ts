import fs from 'node:fs';
import path from 'node:path';

/**
 * Start-up checks for the collector: can it see what it reads? Each problem names the path, what
 * is wrong and the exact mount or flag that fixes it, so a sidecar started without the socket or
 * the log folder says so in its first log line instead of failing later with a bare ENOENT.
 * Pure apart from the injected `Probe` (file system look-ups); nothing is opened or read.
 */
export interface PreflightInput {
  /** Unix socket of the Engine API; undefined when the engine is reached over TCP. */
  dockerSocket?: string;
  /** `<DockerRootDir>/containers`, where json-file logs live. */
  logsDir: string;
  /** A LogPath the engine reported, when one is known: proves the folder is the engine's. */
  sampleLogPath?: string;
  hostRoot: string;
  /** Folder of the state store file. */
  stateDir: string;
  inContainer: boolean;
  logsEnabled: boolean;
  statsEnabled: boolean;
}

export type PreflightCheck = 'docker-socket' | 'logs-dir' | 'host-proc' | 'host-cgroup' | 'state-dir';

export interface PreflightProblem {
  check: PreflightCheck;
  /** fatal: the collector cannot do its job; warn: it runs with less (e.g. stats from the API). */
  severity: 'fatal' | 'warn';
  path: string;
  message: string;
}

export interface PathInfo {
  kind: 'missing' | 'socket' | 'dir' | 'file' | 'other';
  uid?: number;
  gid?: number;
  mode?: number;
}

/** The file system as preflight sees it; `realProbe()` is the real one. */
export interface Probe {
  info(p: string): PathInfo;
  /** errno code when `mode` access is refused (fs.constants X_OK / W_OK / R_OK), else undefined. */
  access(p: string, mode: number): string | undefined;
  uid: number;
  groups: number[];
}

export function realProbe(): Probe {
  return {
    info(p) {
      try {
        const st = fs.statSync(p);
        const kind = st.isSocket() ? 'socket' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
        return { kind, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
      } catch {
        return { kind: 'missing' };
      }
    },
    access(p, mode) {
      try {
        fs.accessSync(p, mode);
        return undefined;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code ?? 'EACCES';
      }
    },
    uid: process.getuid?.() ?? 0,
    groups: [...new Set([process.getgid?.() ?? 0, ...(process.getgroups?.() ?? [])])],
  };
}

const bind = (host: string, inside = host) => `-v ${host}:${inside}:ro`;

function checkSocket(sock: string, inContainer: boolean, probe: Probe): PreflightProblem[] {
  const info = probe.info(sock);
  const p = (message: string): PreflightProblem[] => [
    { check: 'docker-socket', severity: 'fatal', path: sock, message },
  ];
  if (info.kind === 'missing') {
    return p(
      inContainer
        ? `Docker socket ${sock} is not mounted: add ${bind('/var/run/docker.sock', sock)} (compose: volumes: - /var/run/docker.sock:${sock}:ro)`
        : `Docker socket ${sock} does not exist: is dockerd running? Set docker.socket or DOCKER_HOST if it listens elsewhere`,
    );
  }
  if (info.kind === 'dir') {
    // What `-v /wrong/path.sock:...` leaves behind: dockerd creates a missing bind source as a folder.
    return p(
      `${sock} is a folder, not the Docker socket: the bind mount's source did not exist on the host; mount the real socket with ${bind('/var/run/docker.sock', sock)}`,
    );
  }
  if (info.kind !== 'socket') return p(`${sock} is not a unix socket`);
  // connect() needs write permission on the socket; access(W_OK) would say EROFS on a :ro bind
  // (which does not stop connect), so decide from the owner, group and mode.
  const mode = info.mode ?? 0;
  const ok =
    probe.uid === 0 ||
    (info.uid === probe.uid && mode & 0o200) ||
    (probe.groups.includes(info.gid ?? -1) && mode & 0o020) ||
    mode & 0o002;
  if (ok) return [];
  return p(
    `Docker socket ${sock} belongs to group ${info.gid} and uid ${probe.uid} is not in it: run the container with --group-add ${info.gid} (compose: group_add: ["${info.gid}"])`,
  );
}

function checkLogs(input: PreflightInput, probe: Probe): PreflightProblem[] {
  const dir = input.logsDir;
  const p = (message: string): PreflightProblem[] => [
    { check: 'logs-dir', severity: 'fatal', path: dir, message },
  ];
  const info = probe.info(dir);
  if (info.kind === 'missing') {
    return p(
      input.inContainer
        ? `container log folder ${dir} is not mounted: add ${bind(dir)} (compose: volumes: - ${dir}:${dir}:ro); if dockerd's data-root is elsewhere, mount <data-root>/containers at the same path`
        : `container log folder ${dir} does not exist: is dockerd's data-root elsewhere? (docker info --format '{{.DockerRootDir}}')`,
    );
  }
  if (info.kind !== 'dir') return p(`${dir} is not a folder`);
  if (probe.access(dir, fs.constants.X_OK)) {
    return p(
      `container log folder ${dir} cannot be entered by uid ${probe.uid}: dockerd keeps it root:root 0710 and the logs 0640; run with --group-add 0 (compose: group_add: ["0"]) or as root`,
    );
  }
  if (input.sampleLogPath && path.dirname(path.dirname(input.sampleLogPath)) !== path.resolve(dir)) {
    return p(
      `the engine writes logs under ${path.dirname(path.dirname(input.sampleLogPath))}, not ${dir}: mount that folder at the same path`,
    );
  }
  if (input.sampleLogPath && probe.info(path.dirname(input.sampleLogPath)).kind === 'missing') {
    return p(
      `${dir} is visible but holds no container folders (${path.dirname(input.sampleLogPath)} is missing): the bind mount ${bind(dir)} is missing or points at another folder`,
    );
  }
  return [];
}

function checkHost(input: PreflightInput, probe: Probe): PreflightProblem[] {
  const out: PreflightProblem[] = [];
  const root = input.hostRoot;
  const proc = path.join(root, 'proc');
  const cg = path.join(root, 'sys/fs/cgroup');
  if (input.inContainer && path.resolve(root) === '/') {
    out.push({
      check: 'host-proc',
      severity: 'warn',
      path: '/host/proc',
      message: `the host's /proc is not mounted: add ${bind('/proc', '/host/proc')} and ${bind('/sys/fs/cgroup', '/host/sys/fs/cgroup')} (host_root /host); until then stats come from the Engine API and network counters are missing`,
    });
    return out;
  }
  if (probe.info(path.join(proc, 'meminfo')).kind === 'missing') {
    out.push({
      check: 'host-proc',
      severity: 'warn',
      path: proc,
      message: `host_root is ${root} but ${proc} holds no /proc: add ${bind('/proc', proc)}; until then network counters are missing`,
    });
  }
  if (input.statsEnabled) {
    const v2 = probe.info(path.join(cg, 'cgroup.controllers')).kind === 'file';
    const v1 = probe.info(path.join(cg, 'memory')).kind === 'dir';
    if (!v1 && !v2) {
      out.push({
        check: 'host-cgroup',
        severity: 'warn',
        path: cg,
        message: `no cgroup hierarchy at ${cg}: add ${bind('/sys/fs/cgroup', cg)}; until then stats come from the Engine API`,
      });
    }
  }
  return out;
}

function checkState(dir: string, probe: Probe): PreflightProblem[] {
  // The nearest folder that exists is where the store (or its folder) would be created.
  let at = path.resolve(dir);
  while (probe.info(at).kind === 'missing' && path.dirname(at) !== at) at = path.dirname(at);
  const code = probe.access(at, fs.constants.W_OK);
  if (!code) return [];
  return [
    {
      check: 'state-dir',
      severity: 'fatal',
      path: dir,
      message: `state folder ${dir} is not writable by uid ${probe.uid} (${code}${at !== dir ? ` at ${at}` : ''}): mount a volume there (-v lookout-state:${dir}); with --read-only only volumes and tmpfs are writable`,
    },
  ];
}

export function preflight(input: PreflightInput, probe: Probe = realProbe()): PreflightProblem[] {
  return [
    ...(input.dockerSocket ? checkSocket(input.dockerSocket, input.inContainer, probe) : []),
    ...(input.logsEnabled ? checkLogs(input, probe) : []),
    ...checkHost(input, probe),
    ...checkState(input.stateDir, probe),
  ];
}

/** The problems as log-ready lines, fatal first. */
export function formatProblems(problems: PreflightProblem[]): string {
  return [...problems]
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'fatal' ? -1 : 1))
    .map((p) => `${p.severity === 'fatal' ? 'error' : 'warning'}: ${p.message}`)
    .join('\n');
}
