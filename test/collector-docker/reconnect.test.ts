import os from 'node:os';
import path from 'node:path';
import { register } from 'prom-client';
import type { LifecycleEvent } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { createDockerClient, DockerWriteRefusedError } from '../../collector/sources/docker/client';
import { dockerConfigSchema } from '../../collector/sources/docker/config';
import { Discovery } from '../../collector/sources/docker/discovery';
import type { DiscoveryChange } from '../../collector/sources/docker/types';
import { createLifecycleSource } from '../../collector/sources/lifecycle/index';
import { waitFor } from '../support/docker';
import { FakeEngine } from './fake-engine';

const socket = path.join(os.tmpdir(), `lookout-fake-engine-${process.pid}.sock`);
const engine = new FakeEngine(socket);
const client = createDockerClient(
  dockerConfigSchema.parse({
    socket,
    request_timeout: '2s',
    reconnect_initial: '20ms',
    reconnect_max: '200ms',
  }),
  { logger: silentLogger() },
);
const discovery = new Discovery(client, { logger: silentLogger() });
const lifecycle = createLifecycleSource(discovery, { logger: silentLogger(), host: 'h' });
const ctl = new AbortController();
const changes: DiscoveryChange[] = [];
const life: LifecycleEvent[] = [];
let lifeLoop: Promise<void>;

const eventsRequests = () => engine.requests.filter((r) => r.url.includes('/events'));
const counter = async (name: string) =>
  (await register.getSingleMetric(name)?.get())?.values.reduce((a, v) => a + v.value, 0) ?? 0;

beforeAll(async () => {
  engine.addContainer('aaa', 'alpha');
  await engine.start();
  await discovery.start(ctl.signal);
  discovery.watch((c) => changes.push(c));
  lifeLoop = (async () => {
    for await (const b of lifecycle.run(ctl.signal)) life.push(...(b.events as LifecycleEvent[]));
  })();
});
afterAll(async () => {
  ctl.abort();
  await lifeLoop;
  await discovery.stop();
  await engine.stop();
});

describe('discovery when dockerd goes away and comes back', () => {
  it('lists on start and follows events on one connection shared with the lifecycle source', async () => {
    expect(discovery.list().map((c) => c.meta.name)).toEqual(['alpha']);
    engine.addContainer('bbb', 'bravo');
    await waitFor('events stream open', () => engine.openStreams === 1);
    engine.emit('start', 'bbb');
    await waitFor('bravo discovered', () => discovery.get('bbb'));
    await waitFor('start event', () => life.find((e) => e.container.id === 'bbb' && e.action === 'start'));
    expect(eventsRequests()).toHaveLength(1);
  });

  it('reconnects with backoff, asks for missed events, and re-lists to emit the difference', async () => {
    const reconnectsBefore = await counter('lookout_docker_reconnects_total');
    await engine.stop();
    // While the engine is away: alpha is removed, charlie appears.
    engine.containers.delete('aaa');
    engine.addContainer('ccc', 'charlie', { 'lookout.service': 'c-svc' });
    await waitFor(
      'a few failed reconnects',
      async () => (await counter('lookout_docker_reconnects_total')) >= reconnectsBefore + 3,
    );
    expect(discovery.get('aaa')).toBeDefined(); // nothing is dropped until the engine says so
    expect(discovery.connected()).toBe(false);
    changes.length = 0;
    await engine.start();
    await waitFor('charlie discovered', () => discovery.get('ccc'));
    await waitFor('alpha removed', () => discovery.get('aaa') === undefined);
    expect(changes).toEqual(
      expect.arrayContaining([
        { type: 'removed', id: 'aaa' },
        {
          type: 'added',
          container: expect.objectContaining({
            meta: expect.objectContaining({ id: 'ccc', service: 'c-svc' }),
          }),
        },
      ]),
    );
    expect(discovery.get('bbb')).toBeDefined();
    const reopened = eventsRequests().at(-1)!;
    expect(decodeURIComponent(reopened.url)).toMatch(/since=\d+\.\d{9}/);
    expect(decodeURIComponent(reopened.url)).toContain('"type":["container"]');
    // The new stream works: events flow to the lifecycle source again.
    engine.emit('die', 'ccc', { exitCode: '2' });
    const die = await waitFor('die after reconnect', () =>
      life.find((e) => e.container.id === 'ccc' && e.action === 'die'),
    );
    expect(die.exitCode).toBe(2);
    expect(engine.openStreams).toBe(1);
    expect(discovery.connected()).toBe(true);
  });

  it('keeps events whose time stamps arrive out of order (dockerd stamps them in several goroutines)', async () => {
    const t = Date.now() * 1e6;
    engine.emit('kill', 'bbb', { signal: '15' }, t + 2000);
    engine.emit('die', 'bbb', { exitCode: '143' }, t + 1000);
    const die = await waitFor('die stamped earlier', () =>
      life.find((e) => e.container.id === 'bbb' && e.action === 'die'),
    );
    expect(die.intent).toBe('user');
  });

  it('never sends a write to the engine', async () => {
    const before = engine.requests.length;
    await expect(client.api.request('DELETE', '/containers/bbb', { force: true })).rejects.toBeInstanceOf(
      DockerWriteRefusedError,
    );
    await expect(client.api.request('POST', '/containers/bbb/kill')).rejects.toBeInstanceOf(
      DockerWriteRefusedError,
    );
    expect(engine.requests.slice(before)).toEqual([]);
    expect(engine.requests.every((r) => r.method === 'GET' || r.method === 'HEAD')).toBe(true);
  });

  it('fails start with DockerUnavailableError when the engine is not there at all', async () => {
    const lonely = new Discovery(
      createDockerClient(dockerConfigSchema.parse({ socket: `${socket}.absent` }), {
        logger: silentLogger(),
      }),
      { logger: silentLogger() },
    );
    await expect(lonely.start()).rejects.toThrow(`${socket}.absent`);
    await lonely.stop();
  });
});
