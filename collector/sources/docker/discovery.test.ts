import { silentLogger } from '../../../core/logger';
import {
  docker,
  inspect,
  newRunId,
  removeTestContainers,
  runContainer,
  TEST_LABEL,
  waitFor,
} from '../../../test/support/docker';
import { createDockerClient } from './client';
import { dockerConfigSchema } from './config';
import { Discovery } from './discovery';
import type { DiscoveryChange } from './types';

const runId = newRunId('disc');
const client = createDockerClient(
  dockerConfigSchema.parse({ socket: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' }),
  { logger: silentLogger() },
);
const discovery = new Discovery(client, { logger: silentLogger() });
const changes: DiscoveryChange[] = [];

beforeAll(async () => {
  await discovery.start();
  discovery.watch((c) => changes.push(c));
});
afterAll(async () => {
  await discovery.stop();
  await removeTestContainers(runId);
});

describe('discovery on the real engine', () => {
  it('sees a started container with its exact metadata', async () => {
    const name = `${runId}-web`;
    const id = await runContainer({
      runId,
      name,
      args: [
        '--label',
        'com.docker.compose.project=shop',
        '--label',
        'com.docker.compose.service=cart',
        '--label',
        'team=payments',
      ],
      cmd: ['sleep', '300'],
    });
    const info = await waitFor('container discovered running', () => {
      const i = discovery.get(id);
      return i?.running && i.pid > 0 ? i : undefined;
    });
    const ins = await inspect(id);
    expect(info.meta).toEqual({
      id,
      name,
      image: 'local/busybox:full',
      labels: {
        [TEST_LABEL]: runId,
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'cart',
        team: 'payments',
      },
      composeProject: 'shop',
      composeService: 'cart',
      service: 'cart',
    });
    expect(info.logDriver).toBe('json-file');
    expect(info.logPath).toBe(ins.LogPath);
    expect(info.logPath).toBe(`/var/lib/docker/containers/${id}/${id}-json.log`);
    expect(info.pid).toBe(ins.State.Pid);
    expect([`/docker/${id}`, `/system.slice/docker-${id}.scope`]).toContain(info.cgroupPath); // cgroupfs or systemd driver
    expect(info.state).toBe('running');
    expect(changes).toContainEqual({
      type: 'added',
      container: expect.objectContaining({ meta: expect.objectContaining({ id }) }),
    });
  });

  it('prefers the lookout.service label, and sees removal', async () => {
    const id = await runContainer({
      runId,
      args: ['--label', 'com.docker.compose.service=cart', '--label', 'lookout.service=checkout'],
      cmd: ['sleep', '300'],
    });
    const info = await waitFor('container discovered', () => discovery.get(id));
    expect(info.meta.service).toBe('checkout');
    await docker('rm', '-f', id);
    await waitFor('container gone from the cache', () => discovery.get(id) === undefined);
    expect(changes).toContainEqual({ type: 'removed', id });
  });

  it('reports a container with --log-driver none with its driver', async () => {
    const id = await runContainer({ runId, args: ['--log-driver', 'none'], cmd: ['sleep', '300'] });
    const info = await waitFor('container discovered', () => discovery.get(id)?.running && discovery.get(id));
    expect(info.logDriver).toBe('none');
    expect(info.logPath).toBeUndefined();
  });

  it('records exit code and OOM state after a container dies', async () => {
    const id = await runContainer({ runId, cmd: ['sh', '-c', 'exit 3'] });
    const info = await waitFor(
      'container exited',
      () => discovery.get(id)?.state === 'exited' && discovery.get(id),
    );
    expect(info).toMatchObject({ running: false, exitCode: 3, oomKilled: false, pid: 0 });
  });
});
