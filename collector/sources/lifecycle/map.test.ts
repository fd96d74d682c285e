import type { DockerEvent } from '../docker/events';
import { LifecycleMapper } from './map';

const ID = 'c0ffee';
let t = 1_700_000_000_000;
function ev(Action: string, attrs: Record<string, string> = {}, atMs?: number): DockerEvent {
  t = atMs ?? t + 100;
  return {
    Type: 'container',
    Action,
    Actor: { ID, Attributes: { name: 'web', image: 'img', 'com.docker.compose.service': 'api', ...attrs } },
    time: Math.floor(t / 1000),
    timeNano: t * 1e6,
  };
}

function run(events: DockerEvent[]) {
  const m = new LifecycleMapper('h1');
  return events.map((e) => m.map(e, undefined)).filter((x) => x !== undefined);
}

describe('LifecycleMapper', () => {
  it.each<[string, DockerEvent[], Array<Record<string, unknown>>]>([
    [
      'crash: die on its own',
      [ev('start'), ev('die', { exitCode: '3' })],
      [{ action: 'start' }, { action: 'die', exitCode: 3, oomKilled: false, intent: undefined }],
    ],
    [
      'docker stop: kill TERM, die, stop',
      [ev('kill', { signal: '15' }), ev('die', { exitCode: '143' }), ev('stop')],
      [
        { action: 'kill', signal: '15' },
        { action: 'die', exitCode: 143, intent: 'user' },
        { action: 'stop' },
      ],
    ],
    [
      'docker rm -f: kill, die, destroy',
      [ev('kill', { signal: '9' }), ev('die', { exitCode: '137' }), ev('destroy')],
      [{ action: 'kill' }, { action: 'die', intent: 'user', oomKilled: false }, { action: 'destroy' }],
    ],
    [
      'oom kill by the kernel',
      [ev('oom'), ev('die', { exitCode: '137' })],
      [{ action: 'oom' }, { action: 'die', exitCode: 137, oomKilled: true, intent: undefined }],
    ],
    [
      'reload signal then a crash is not intentional',
      [ev('kill', { signal: 'SIGHUP' }), ev('die', { exitCode: '1' })],
      [
        { action: 'kill', signal: 'SIGHUP' },
        { action: 'die', intent: undefined },
      ],
    ],
    [
      'a kill long ago does not explain a die now',
      [ev('kill', { signal: '15' }, t), ev('die', { exitCode: '1' }, t + 10 * 60_000)],
      [{ action: 'kill' }, { action: 'die', intent: undefined }],
    ],
    [
      'restart clears intent: the next crash pages',
      [
        ev('kill', { signal: '15' }),
        ev('die', { exitCode: '0' }),
        ev('stop'),
        ev('start'),
        ev('restart'),
        ev('die', { exitCode: '2' }),
      ],
      [
        { action: 'kill' },
        { action: 'die', intent: 'user' },
        { action: 'stop' },
        { action: 'start' },
        { action: 'restart' },
        { action: 'die', intent: undefined },
      ],
    ],
    [
      'health status parsed, exec noise dropped',
      [
        ev('exec_create: sh -c false'),
        ev('exec_start: sh -c false'),
        ev('exec_die', { exitCode: '1' }),
        ev('health_status: unhealthy'),
      ],
      [{ action: 'health_status', health: 'unhealthy' }],
    ],
    [
      'other actions ignored',
      [ev('attach'), ev('rename'), ev('pause'), ev('unpause'), ev('create')],
      [{ action: 'pause' }, { action: 'unpause' }, { action: 'create' }],
    ],
  ])('%s', (_what, events, want) => {
    const got = run(events);
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => {
      for (const [k, v] of Object.entries(w))
        expect([i, k, (got[i] as unknown as Record<string, unknown>)[k]]).toEqual([i, k, v]);
    });
  });

  it('builds metadata from event attributes when discovery no longer knows the container', () => {
    const [out] = run([ev('destroy', { 'lookout.service': 'billing', extra: 'x' })]);
    expect(out!.container).toEqual({
      id: ID,
      name: 'web',
      image: 'img',
      labels: { 'com.docker.compose.service': 'api', 'lookout.service': 'billing', extra: 'x' },
      composeService: 'api',
      service: 'billing',
    });
    expect(out!.host).toBe('h1');
  });

  it('takes oomKilled and exit code from inspect when the event lacks them', () => {
    const m = new LifecycleMapper('h');
    const info = {
      meta: { id: ID, name: 'w', image: 'i', labels: {}, service: 'w' },
      logDriver: 'json-file',
      pid: 0,
      running: false,
      exitCode: 137,
      oomKilled: true,
      restartCount: 4,
    };
    const out = m.map(ev('die'), info);
    expect(out).toMatchObject({
      action: 'die',
      exitCode: 137,
      oomKilled: true,
      restartCount: 4,
      container: info.meta,
    });
  });
});
