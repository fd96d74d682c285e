import { silentLogger } from '../../../core/logger';
import { newRunId, removeTestContainers, runContainer, waitFor } from '../../../test/support/docker';
import { createDockerClient } from './client';
import { dockerConfigSchema } from './config';
import { Discovery } from './discovery';
import { containerFilter, excludingContainers } from './exclude';

/** The filtered directory over real discovery: what the log, stats and heartbeat sources see. */
const runId = newRunId('incl');
const socket = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
const client = createDockerClient(dockerConfigSchema.parse({ socket }), { logger: silentLogger() });
const discovery = new Discovery(client, { logger: silentLogger() });

beforeAll(() => discovery.start());
afterAll(async () => {
  await discovery.stop();
  await removeTestContainers(runId);
  client.close();
});

it('with docker.include, only matching containers are seen, and exclude still wins', async () => {
  const settings = dockerConfigSchema.parse({ socket, include: [`lookout.test=${runId}`, 'lookout.watch'] });
  const dir = excludingContainers(discovery, containerFilter(settings));
  const changes: string[] = [];
  const off = dir.watch((c) => void (c.type !== 'removed' && changes.push(c.container.meta.id)));
  try {
    const sleep = ['sleep', '60'];
    const inRun = await runContainer({ runId, cmd: sleep });
    const optedOut = await runContainer({ runId, args: ['--label', 'lookout.enable=false'], cmd: sleep });
    // Not of this run: only the `lookout.watch` selector lets it in, and it has no such label.
    const other = await runContainer({ runId: `${runId}-other`, cmd: sleep });
    try {
      await waitFor('discovery has all three', () =>
        [inRun, optedOut, other].every((id) => discovery.get(id)) ? true : undefined,
      );
      expect(dir.get(inRun)).toBeDefined();
      expect(dir.get(optedOut)).toBeUndefined();
      expect(dir.get(other)).toBeUndefined();
      const listed = dir.list().map((c) => c.meta.id);
      expect(listed).toContain(inRun);
      expect(listed).not.toContain(optedOut);
      expect(listed).not.toContain(other);
      expect(changes).toContain(inRun);
      expect(changes).not.toContain(optedOut);
      expect(changes).not.toContain(other);
    } finally {
      await removeTestContainers(`${runId}-other`);
    }
  } finally {
    off();
  }
});
