import { DockerUnavailableError } from '../../../core/errors';
import { silentLogger } from '../../../core/logger';
import { inspect, newRunId, removeTestContainers, runContainer } from '../../../test/support/docker';
import { createDockerClient, DockerWriteRefusedError, resolveEndpoint } from './client';
import { dockerConfigSchema } from './config';

const runId = newRunId('client');
const cfg = (over: Record<string, unknown> = {}) => dockerConfigSchema.parse({ socket: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock', ...over });

afterAll(() => removeTestContainers(runId));

describe('read-only docker client', () => {
  it('answers ping and reads', async () => {
    const client = createDockerClient(cfg(), { logger: silentLogger() });
    await client.ping();
    const list = await client.api.listContainers({ all: true });
    expect(Array.isArray(list)).toBe(true);
  });

  it('refuses remove, kill, stop and create before sending anything; the container is untouched', async () => {
    const id = await runContainer({ runId, cmd: ['sleep', '300'] });
    const client = createDockerClient(cfg(), { logger: silentLogger() });
    const c = client.api.getContainer(id);
    await expect(c.remove({ force: true })).rejects.toBeInstanceOf(DockerWriteRefusedError);
    await expect(c.kill()).rejects.toThrow(/read-only: refused POST \/containers\/[0-9a-f]+\/kill/);
    await expect(c.stop()).rejects.toBeInstanceOf(DockerWriteRefusedError);
    await expect(client.api.createContainer({ Image: 'local/busybox:full' })).rejects.toBeInstanceOf(DockerWriteRefusedError);
    // The callback form goes through the same gate.
    const cbErr = await new Promise((resolve) => c.remove({}, (err: unknown) => resolve(err)));
    expect(cbErr).toBeInstanceOf(DockerWriteRefusedError);
    const after = await inspect(id);
    expect(after.State.Running).toBe(true);
    expect(after.State.Pid).toBeGreaterThan(0);
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
