import { DockerUnavailableError } from '../../../core/errors';
import { silentLogger } from '../../../core/logger';
import { inspect, newRunId, removeTestContainers, runContainer } from '../../../test/support/docker';
import { createDockerClient, DockerApiError, DockerWriteRefusedError, resolveEndpoint } from './client';
import { dockerConfigSchema } from './config';

const runId = newRunId('client');
const cfg = (over: Record<string, unknown> = {}) =>
  dockerConfigSchema.parse({ socket: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock', ...over });

afterAll(() => removeTestContainers(runId));

describe('read-only docker client', () => {
  it('answers ping and reads', async () => {
    const client = createDockerClient(cfg(), { logger: silentLogger() });
    await client.ping();
    const list = await client.listContainers();
    expect(Array.isArray(list)).toBe(true);
    client.close();
  });

  it('offers only reads: every method of the client is a ping, a GET or a stream of one', () => {
    const client = createDockerClient(cfg(), { logger: silentLogger() });
    const methods = Object.entries(client)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(methods).toEqual([
      'close',
      'containerLogs',
      'containerStats',
      'events',
      'inspectContainer',
      'listContainers',
      'ping',
    ]);
    client.close();
  });

  it.each([
    ['DELETE', '/containers/{id}', { force: true }],
    ['POST', '/containers/{id}/kill', {}],
    ['POST', '/containers/{id}/stop', {}],
    ['POST', '/containers/create', {}],
    ['PUT', '/containers/{id}/archive', { path: '/tmp' }],
    ['post', '/containers/{id}/exec', {}],
  ])('refuses %s %s before sending anything; the container is untouched', async (method, route, query) => {
    const id = await runContainer({ runId, cmd: ['sleep', '300'] });
    const client = createDockerClient(cfg(), { logger: silentLogger() });
    const err = await client.api.request(method, route.replace('{id}', id), query).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerWriteRefusedError);
    expect((err as Error).message).toContain(`refused ${method.toUpperCase()} /containers/`);
    const after = await inspect(id);
    expect(after.State.Running).toBe(true);
    expect(after.State.Pid).toBeGreaterThan(0);
    client.close();
  });

  it('reports an absent container as DockerApiError 404 (discovery treats it as gone)', async () => {
    const client = createDockerClient(cfg(), { logger: silentLogger() });
    const err = await client.inspectContainer(`nosuch${runId}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerApiError);
    expect((err as DockerApiError).statusCode).toBe(404);
    expect((err as Error).message).toMatch(/No such container/i);
    client.close();
  });

  it('turns an absent socket into DockerUnavailableError naming the path', async () => {
    const path = `/tmp/lookout-no-such-${runId}.sock`;
    const client = createDockerClient(cfg({ socket: path }), { logger: silentLogger() });
    const err = await client.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/does not exist: is dockerd running/);
  });
});

describe('endpoint resolution', () => {
  it.each([
    [{ socket: '/s.sock' }, { DOCKER_HOST: 'tcp://x:1' }, { socketPath: '/s.sock' }],
    [{}, {}, { socketPath: '/var/run/docker.sock' }],
    [{}, { DOCKER_HOST: 'unix:///run/d.sock' }, { socketPath: '/run/d.sock' }],
    [{ host: 'unix:///a.sock' }, { DOCKER_HOST: 'unix:///b.sock' }, { socketPath: '/a.sock' }],
  ])('%j with env %j', (c, env, want) => {
    expect(resolveEndpoint(c, env)).toEqual(want);
  });

  it('takes tcp hosts from DOCKER_HOST', () => {
    const ep = resolveEndpoint({}, { DOCKER_HOST: 'tcp://10.0.0.1:2375' });
    expect('url' in ep && ep.url.hostname).toBe('10.0.0.1');
  });
});
