import pino from 'pino';
import { DockerUnavailableError } from '../../core/errors';
import { dockerSocketPath, prepareSidecar } from '../../collector/host/sidecar';
import type { PathInfo, Probe } from '../../collector/host/preflight';

const logger = pino({ level: 'silent' });

function probe(paths: Record<string, PathInfo>): Probe {
  return { info: (p) => paths[p] ?? { kind: 'missing' }, access: () => undefined, uid: 0, groups: [0] };
}

describe('dockerSocketPath', () => {
  const table: Array<[string, { socket?: string; host?: string }, NodeJS.ProcessEnv, string | undefined]> = [
    ['default', {}, {}, '/var/run/docker.sock'],
    ['docker.socket', { socket: '/run/docker.sock' }, {}, '/run/docker.sock'],
    ['docker.host unix', { host: 'unix:///run/user/1000/docker.sock' }, {}, '/run/user/1000/docker.sock'],
    ['docker.host tcp', { host: 'tcp://10.0.0.1:2375' }, {}, undefined],
    ['DOCKER_HOST', {}, { DOCKER_HOST: 'unix:///tmp/d.sock' }, '/tmp/d.sock'],
  ];
  it.each(table)('%s', (_n, docker, env, want) => expect(dockerSocketPath(docker, env)).toBe(want));
});

describe('prepareSidecar', () => {
  const base = {
    hostRoot: '/',
    docker: { socket: '/nonexistent/docker.sock' },
    statePath: '/tmp/x/state.db',
    logsEnabled: true,
    statsEnabled: true,
    logger,
    env: {},
  };

  it('throws one error naming every fatal problem', () => {
    const run = () =>
      prepareSidecar({
        ...base,
        logsDir: '/nonexistent/containers',
        probe: probe({ '/tmp': { kind: 'dir' } }),
      });
    expect(run).toThrow(DockerUnavailableError);
    expect(run).toThrow(/\/nonexistent\/docker\.sock[\s\S]*\/nonexistent\/containers/);
  });

  it('returns the host root when every check passes', () => {
    const ok = probe({
      '/nonexistent/docker.sock': { kind: 'socket', uid: 0, gid: 0, mode: 0o660 },
      '/var/lib/docker/containers': { kind: 'dir' },
      '/proc/meminfo': { kind: 'file' },
      '/sys/fs/cgroup/memory': { kind: 'dir' },
      '/host/proc/meminfo': { kind: 'file' },
      '/host/sys/fs/cgroup/memory': { kind: 'dir' },
      '/tmp': { kind: 'dir' },
    });
    const setup = prepareSidecar({ ...base, probe: ok });
    expect(setup.problems.filter((p) => p.severity === 'fatal')).toEqual([]);
    expect(['/', '/host']).toContain(setup.hostRoot);
  });
});
