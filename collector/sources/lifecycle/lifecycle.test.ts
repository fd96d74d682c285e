import type { LifecycleEvent } from '../../../core/events';
import { silentLogger } from '../../../core/logger';
import {
  docker,
  inspect,
  newRunId,
  removeTestContainers,
  runContainer,
  waitFor,
} from '../../../test/support/docker';
import { createDockerClient } from '../docker/client';
import { dockerConfigSchema } from '../docker/config';
import { Discovery } from '../docker/discovery';
import { containerFilter, watchedEvents } from '../docker/exclude';
import { createLifecycleSource } from './index';

const runId = newRunId('life');
const client = createDockerClient(
  dockerConfigSchema.parse({ socket: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' }),
  { logger: silentLogger() },
);
const discovery = new Discovery(client, { logger: silentLogger() });
// As the collector wires it: the default `docker.exclude` leaves out `lookout.enable=false`.
const watched = containerFilter(dockerConfigSchema.parse({}));
const source = createLifecycleSource(watchedEvents(discovery, watched), {
  logger: silentLogger(),
  host: 'test-host',
  docker: client,
});
const ctl = new AbortController();
const seen: LifecycleEvent[] = [];
let running: Promise<void>;

const of = (id: string) => seen.filter((e) => e.container.id === id);
const actions = (id: string) => of(id).map((e) => e.action);

beforeAll(async () => {
  await discovery.start();
  running = (async () => {
    for await (const batch of source.run(ctl.signal)) seen.push(...(batch.events as LifecycleEvent[]));
  })();
});
afterAll(async () => {
  ctl.abort();
  await running;
  await discovery.stop();
  await removeTestContainers(runId);
});

describe('lifecycle events from the real engine', () => {
  it('a container exiting non-zero yields die with a numeric exit code and its metadata', async () => {
    const id = await runContainer({
      runId,
      args: ['--label', 'lookout.service=batch'],
      cmd: ['sh', '-c', 'exit 3'],
    });
    const die = await waitFor('die', () => of(id).find((e) => e.action === 'die'));
    expect(die).toMatchObject({ kind: 'lifecycle', host: 'test-host', exitCode: 3, oomKilled: false });
    expect(die.intent).toBeUndefined();
    expect(die.container).toMatchObject({ id, service: 'batch', image: 'local/busybox:full' });
    expect(actions(id).slice(0, 3)).toEqual(['create', 'start', 'die']);
  });

  it("a container under a restart policy carries Docker's restart count on each die", async () => {
    const id = await runContainer({
      runId,
      args: ['--restart', 'on-failure:2'],
      cmd: ['sh', '-c', 'exit 1'],
    });
    // Two restarts, then the policy gives up: three deaths, the last one with RestartCount 2.
    const dies = await waitFor('three deaths', () => {
      const d = of(id).filter((e) => e.action === 'die');
      return d.length >= 3 && d;
    });
    const counts = dies.map((d) => d.restartCount);
    // Inspect follows the die, so a quick restart can already show in it: counts only grow.
    expect(counts).toEqual([...counts].sort());
    expect(counts[0]).toBeGreaterThanOrEqual(1);
    expect(counts.at(-1)).toBe(2);
    expect((await inspect(id)).RestartCount).toBe(2);
  });

  it('a container that exits once carries its last lines on the die, read from the engine', async () => {
    const id = await runContainer({
      runId,
      cmd: ['sh', '-c', 'for i in $(seq 1 60); do echo "step $i"; done; echo "fatal: no config"; exit 1'],
    });
    const die = await waitFor('die', () => of(id).find((e) => e.action === 'die'));
    expect(die.exitCode).toBe(1);
    expect(die.lastLines).toHaveLength(50);
    expect(die.lastLines![0]).toBe('step 12');
    expect(die.lastLines!.at(-1)).toBe('fatal: no config');
  });

  it("a slow read of one container's last lines does not hold back another container's die", async () => {
    // A second source on the same discovery, whose reads of last lines wait until released.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const slowDocker = {
      api: {
        ...client.api,
        getStream: async (...args: Parameters<typeof client.api.getStream>) => {
          await released;
          return client.api.getStream(...args);
        },
      },
    } as typeof client;
    const slow = createLifecycleSource(discovery, {
      logger: silentLogger(),
      host: 'test-host',
      docker: slowDocker,
    });
    const slowSeen: LifecycleEvent[] = [];
    const slowCtl = new AbortController();
    const slowRun = (async () => {
      for await (const b of slow.run(slowCtl.signal)) slowSeen.push(...(b.events as LifecycleEvent[]));
    })();
    try {
      const held = await runContainer({ runId, cmd: ['sh', '-c', 'echo "last words"; exit 1'] });
      await waitFor('the held die on the first source', () => of(held).find((e) => e.action === 'die'));
      // Killed by a user: a die that reads no lines, so nothing holds it back but the order.
      const other = await runContainer({ runId, cmd: ['sleep', '60'] });
      await docker('kill', other);
      // The other container's die comes through while the first one's read is still held.
      await waitFor('the other die', () =>
        slowSeen.find((e) => e.container.id === other && e.action === 'die'),
      );
      expect(slowSeen.find((e) => e.container.id === held && e.action === 'die')).toBeUndefined();
      release();
      const die = await waitFor('the held die', () =>
        slowSeen.find((e) => e.container.id === held && e.action === 'die'),
      );
      expect(die.lastLines).toEqual(['last words']);
    } finally {
      release();
      slowCtl.abort();
      await slowRun;
    }
  });

  it('a container opted out (lookout.enable=false) yields no lifecycle events at all', async () => {
    const out = await runContainer({
      runId,
      args: ['--label', 'lookout.enable=false'],
      cmd: ['sh', '-c', 'echo "secret: hunter2"; exit 1'],
    });
    await docker('wait', out);
    // Started once the other has died: when this one's die is here, the other's would be too.
    const marker = await runContainer({ runId, cmd: ['sh', '-c', 'exit 1'] });
    await waitFor('the marker die', () => of(marker).find((e) => e.action === 'die'));
    expect(of(out)).toEqual([]);
  });

  it('an allocation past --memory yields oom, then die with oomKilled and 137', async () => {
    const id = await runContainer({
      runId,
      args: ['--memory', '20m'],
      cmd: ['sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived'],
    });
    const die = await waitFor('die', () => of(id).find((e) => e.action === 'die'));
    expect(die).toMatchObject({ exitCode: 137, oomKilled: true });
    expect(die.intent).toBeUndefined();
    const a = actions(id);
    expect(a).toContain('oom');
    expect(a.indexOf('oom')).toBeLessThan(a.indexOf('die'));
  });

  it('a failing HEALTHCHECK yields health_status unhealthy and no exec noise', async () => {
    const id = await runContainer({
      runId,
      args: [
        '--health-cmd',
        'false',
        '--health-interval',
        '1s',
        '--health-retries',
        '1',
        '--health-start-period',
        '0s',
      ],
      cmd: ['sleep', '300'],
    });
    const ev = await waitFor('unhealthy', () => of(id).find((e) => e.action === 'health_status'));
    expect(ev.health).toBe('unhealthy');
    expect(ev.container.id).toBe(id);
    expect(actions(id).every((a) => ['create', 'start', 'health_status'].includes(a))).toBe(true);
    expect(seen.some((e) => (e.action as string).startsWith('exec'))).toBe(false);
  });

  it('docker stop yields kill, die with intent user, and stop; rm yields destroy', async () => {
    const id = await runContainer({ runId, cmd: ['sh', '-c', 'echo up; exec sleep 300'] });
    await waitFor('start', () => actions(id).includes('start'));
    await docker('stop', '-t', '1', id);
    const die = await waitFor('die', () => of(id).find((e) => e.action === 'die'));
    expect(die.intent).toBe('user');
    expect(die.exitCode).toBe(137); // sleep ignores SIGTERM as pid 1, so the SIGKILL ends it
    expect(die.lastLines).toBeUndefined(); // a stop never pages: no read from the engine for it
    await waitFor('stop', () => actions(id).includes('stop'));
    expect(of(id).find((e) => e.action === 'kill')?.signal).toBe('15');
    await docker('rm', id);
    const destroy = await waitFor('destroy', () => of(id).find((e) => e.action === 'destroy'));
    expect(destroy.container.id).toBe(id);
  });

  it('docker kill yields die with intent user', async () => {
    const id = await runContainer({ runId, cmd: ['sleep', '300'] });
    await waitFor('start', () => actions(id).includes('start'));
    await docker('kill', id);
    const die = await waitFor('die', () => of(id).find((e) => e.action === 'die'));
    expect(die).toMatchObject({ intent: 'user', exitCode: 137, oomKilled: false });
  });

  it('pause and unpause are reported', async () => {
    const id = await runContainer({ runId, cmd: ['sleep', '300'] });
    await waitFor('start', () => actions(id).includes('start'));
    await docker('pause', id);
    await docker('unpause', id);
    await waitFor('unpause', () => actions(id).includes('unpause'));
    expect(actions(id)).toEqual(['create', 'start', 'pause', 'unpause']);
  });
});
