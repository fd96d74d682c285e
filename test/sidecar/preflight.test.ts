import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  formatProblems,
  preflight,
  realProbe,
  type PathInfo,
  type PreflightInput,
  type Probe,
} from '../../collector/host/preflight';
import { detectHostRoot, engineInOurPidNamespace, inSidecarContainer } from '../../collector/host/host-root';
import { ownContainerId } from '../../collector/host/self';

/** A file system described by a table: path -> info; `denied` paths refuse access. */
function fakeProbe(
  paths: Record<string, PathInfo>,
  opts: { uid?: number; groups?: number[]; denied?: string[] } = {},
): Probe {
  return {
    info: (p) => paths[p] ?? { kind: 'missing' },
    access: (p) => (opts.denied?.includes(p) ? 'EACCES' : undefined),
    uid: opts.uid ?? 1000,
    groups: opts.groups ?? [1000],
  };
}

const SIDECAR: PreflightInput = {
  dockerSocket: '/var/run/docker.sock',
  logsDir: '/var/lib/docker/containers',
  hostRoot: '/host',
  stateDir: '/var/lib/lookout',
  inContainer: true,
  logsEnabled: true,
  statsEnabled: true,
};

const HEALTHY: Record<string, PathInfo> = {
  '/var/run/docker.sock': { kind: 'socket', uid: 0, gid: 105, mode: 0o660 },
  '/var/lib/docker/containers': { kind: 'dir', uid: 0, gid: 0, mode: 0o710 },
  '/host/proc/meminfo': { kind: 'file' },
  '/host/sys/fs/cgroup/memory': { kind: 'dir' },
  '/var/lib/lookout': { kind: 'dir', uid: 1000, gid: 1000, mode: 0o755 },
};

function without(...keys: string[]): Record<string, PathInfo> {
  const copy = { ...HEALTHY };
  for (const k of keys) delete copy[k];
  return copy;
}

describe('preflight', () => {
  const cases: Array<{
    name: string;
    input?: Partial<PreflightInput>;
    paths: Record<string, PathInfo>;
    probe?: { uid?: number; groups?: number[]; denied?: string[] };
    expect: Array<[string, 'fatal' | 'warn', RegExp]>;
  }> = [
    { name: 'every mount in place', paths: HEALTHY, probe: { groups: [1000, 105, 0] }, expect: [] },
    {
      name: 'socket not mounted',
      paths: without('/var/run/docker.sock'),
      probe: { groups: [105, 0] },
      expect: [
        ['docker-socket', 'fatal', /not mounted: add -v \/var\/run\/docker.sock:\/var\/run\/docker.sock:ro/],
      ],
    },
    {
      name: 'socket bind source was wrong, dockerd made a folder',
      paths: { ...HEALTHY, '/var/run/docker.sock': { kind: 'dir' } },
      probe: { groups: [105, 0] },
      expect: [['docker-socket', 'fatal', /is a folder, not the Docker socket/]],
    },
    {
      name: 'socket group not added',
      paths: HEALTHY,
      probe: { groups: [1000, 0] },
      expect: [['docker-socket', 'fatal', /--group-add 105/]],
    },
    { name: 'root needs no group', paths: HEALTHY, probe: { uid: 0, groups: [0] }, expect: [] },
    {
      name: 'log folder not mounted',
      paths: without('/var/lib/docker/containers'),
      probe: { groups: [105, 0] },
      expect: [
        [
          'logs-dir',
          'fatal',
          /log folder \/var\/lib\/docker\/containers is not mounted: add -v \/var\/lib\/docker\/containers:\/var\/lib\/docker\/containers:ro/,
        ],
      ],
    },
    {
      name: 'log folder not enterable without group 0',
      paths: HEALTHY,
      probe: { groups: [105], denied: ['/var/lib/docker/containers'] },
      expect: [['logs-dir', 'fatal', /--group-add 0/]],
    },
    {
      name: 'engine data-root elsewhere',
      input: { sampleLogPath: '/data/docker/containers/abc/abc-json.log' },
      paths: HEALTHY,
      probe: { groups: [105, 0] },
      expect: [['logs-dir', 'fatal', /engine writes logs under \/data\/docker\/containers/]],
    },
    {
      name: 'log folder exists but is not the engine one',
      input: { sampleLogPath: '/var/lib/docker/containers/abc/abc-json.log' },
      paths: HEALTHY,
      probe: { groups: [105, 0] },
      expect: [['logs-dir', 'fatal', /holds no container folders/]],
    },
    {
      name: 'logs disabled: no log folder needed',
      input: { logsEnabled: false },
      paths: without('/var/lib/docker/containers'),
      probe: { groups: [105] },
      expect: [],
    },
    {
      name: 'no host /proc in a container',
      input: { hostRoot: '/' },
      paths: HEALTHY,
      probe: { groups: [105, 0] },
      expect: [['host-proc', 'warn', /add -v \/proc:\/host\/proc:ro/]],
    },
    {
      name: 'host_root set, cgroup not mounted',
      paths: without('/host/sys/fs/cgroup/memory'),
      probe: { groups: [105, 0] },
      expect: [['host-cgroup', 'warn', /add -v \/sys\/fs\/cgroup:\/host\/sys\/fs\/cgroup:ro/]],
    },
    {
      name: 'cgroup v2 host',
      paths: {
        ...without('/host/sys/fs/cgroup/memory'),
        '/host/sys/fs/cgroup/cgroup.controllers': { kind: 'file' },
      },
      probe: { groups: [105, 0] },
      expect: [],
    },
    {
      name: 'read-only root without a state volume',
      input: { stateDir: '/var/lib/lookout/sub' },
      paths: HEALTHY,
      probe: { groups: [105, 0], denied: ['/var/lib/lookout'] },
      expect: [
        [
          'state-dir',
          'fatal',
          /not writable by uid 1000 \(EACCES at \/var\/lib\/lookout\): mount a volume there/,
        ],
      ],
    },
    {
      name: 'on the host, no socket',
      input: { inContainer: false, hostRoot: '/' },
      paths: {
        ...without('/var/run/docker.sock'),
        '/proc/meminfo': { kind: 'file' },
        '/sys/fs/cgroup/memory': { kind: 'dir' },
      },
      probe: { uid: 0, groups: [0] },
      expect: [['docker-socket', 'fatal', /does not exist: is dockerd running/]],
    },
  ];

  it.each(cases)('$name', ({ input, paths, probe, expect: want }) => {
    const got = preflight({ ...SIDECAR, ...input }, fakeProbe(paths, probe));
    expect(got.map((p) => [p.check, p.severity])).toEqual(want.map(([c, s]) => [c, s]));
    got.forEach((p, i) => expect(p.message).toMatch(want[i]![2]));
  });

  it('formats fatal problems first', () => {
    const text = formatProblems(
      preflight({ ...SIDECAR, hostRoot: '/' }, fakeProbe(without('/var/run/docker.sock'), { groups: [0] })),
    );
    expect(text.split('\n').map((l) => l.split(':')[0])).toEqual(['error', 'warning']);
  });

  it('reads the real file system: a socket, a folder, a missing path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-preflight-'));
    const sock = path.join(dir, 'docker.sock');
    const server = net.createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    try {
      fs.mkdirSync(path.join(dir, 'containers'));
      const base = {
        ...SIDECAR,
        dockerSocket: sock,
        logsDir: path.join(dir, 'containers'),
        hostRoot: '/',
        inContainer: false,
        stateDir: path.join(dir, 'state'),
      };
      expect(preflight(base, realProbe())).toEqual([]);
      const missing = preflight(
        { ...base, dockerSocket: path.join(dir, 'nope.sock'), logsDir: path.join(dir, 'nologs') },
        realProbe(),
      );
      expect(missing.map((p) => p.check)).toEqual(['docker-socket', 'logs-dir']);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('detectHostRoot', () => {
  const table: Array<[string, string | undefined, string[], string]> = [
    ['explicit setting wins', '/hostfs', ['/host/proc/meminfo'], '/hostfs'],
    ['sidecar mounts found', '/', ['/host/proc/meminfo', '/.dockerenv'], '/host'],
    ['unset, sidecar mounts found', undefined, ['/host/proc/meminfo'], '/host'],
    ['container without the mounts', '/', ['/.dockerenv'], '/'],
    ['on the host', undefined, [], '/'],
  ];
  it.each(table)('%s', (_name, configured, present, want) => {
    expect(detectHostRoot(configured, (p) => present.includes(p)).hostRoot).toBe(want);
  });
});

describe('a container that runs the engine itself is not a sidecar', () => {
  /** A /proc with the given pid -> comm entries (and a non-pid entry, as the real one has). */
  function fakeProc(comms: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-proc-'));
    fs.writeFileSync(path.join(root, 'meminfo'), 'MemTotal: 1 kB\n');
    for (const [pid, comm] of Object.entries(comms)) {
      fs.mkdirSync(path.join(root, pid));
      fs.writeFileSync(path.join(root, pid, 'comm'), `${comm}\n`);
    }
    return root;
  }
  const dockerenv = (p: string) => p === '/.dockerenv';

  it.each([
    [
      'dockerd among our processes (Docker-in-Docker, a CI sandbox)',
      { '1': 'tini', '57': 'dockerd', '58': 'containerd' },
      false,
    ],
    ['only our own processes (the sidecar)', { '1': 'tini', '7': 'node' }, true],
    ['a process merely named like it', { '1': 'dockerd-helper' }, true],
  ])('%s', (_name, comms, sidecar) => {
    const proc = fakeProc(comms);
    try {
      expect(engineInOurPidNamespace(proc)).toBe(!sidecar);
      expect(inSidecarContainer(dockerenv, proc)).toBe(sidecar);
      expect(inSidecarContainer(() => false, proc)).toBe(false);
    } finally {
      fs.rmSync(proc, { recursive: true, force: true });
    }
  });
});

describe('ownContainerId', () => {
  const id = 'b751ff99f273ab852a7b981de799d40e07c0c556265d9e5593419f6386529ccd';
  const table: Array<[string, Record<string, string>, string | undefined]> = [
    [
      'docker on /var/lib/docker',
      {
        '/proc/self/mountinfo': `88 71 254:0 /var/lib/docker/containers/${id}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda rw\n`,
      },
      id,
    ],
    [
      'data-root on its own disk',
      {
        '/proc/self/mountinfo': `89 71 8:17 /containers/${id}/hostname /etc/hostname rw - xfs /dev/sdb1 rw\n`,
      },
      id,
    ],
    [
      'cgroup v1 only',
      {
        '/proc/self/mountinfo': '1 0 0:1 / / rw - overlay overlay rw\n',
        '/proc/self/cgroup': `9:name=systemd:/docker/${id}\n`,
      },
      id,
    ],
    ['cgroup v2 systemd driver', { '/proc/self/cgroup': `0::/system.slice/docker-${id}.scope\n` }, id],
    [
      'on the host',
      {
        '/proc/self/mountinfo': '22 1 254:0 / / rw - ext4 /dev/vda rw\n',
        '/proc/self/cgroup': '0::/user.slice\n',
      },
      undefined,
    ],
  ];
  it.each(table)('%s', (_name, files, want) => {
    const read = (f: string) => {
      if (files[f] === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return files[f];
    };
    expect(ownContainerId(read)).toBe(want);
  });
});
