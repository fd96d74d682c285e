/**
 * The coordinator loop on the real engine (issue 13, point 4): the coordinator receiver asks the
 * example coordinator in deploy/examples/coordinator, which starts and removes real containers.
 * Cooldown, bounds and the quiet period are honoured, and a request signed with another key is
 * refused. Containers carry this run's test label and are removed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { coordinatorKind, coordinatorSchema } from '../../alerter/notify/coordinator';
import type { Notification } from '../../alerter/notify/types';
import { ManualClock } from '../../core/clock';
import { docker, newRunId, removeTestContainers, TEST_IMAGE, TEST_LABEL, waitFor } from '../support/docker';
import { captureLogger, makeAlert, makeNotification, T0 } from './fixtures';

const runId = newRunId('coord');
const service = `pool-${runId}`;
const SECRET = 'docker-coordinator-secret-91b2';
process.env.T_DCOORD_KEY = SECRET;
process.env.T_DCOORD_WRONG = 'not-the-coordinator-secret';
const MIN = 60_000;
let child: ChildProcess;
let url: string;
let clock: ManualClock;

beforeAll(async () => {
  const services = {
    [service]: {
      image: TEST_IMAGE,
      options: ['--pull', 'never', '--network', 'none', '--label', `${TEST_LABEL}=${runId}`],
      args: ['sleep', '3600'],
    },
  };
  child = spawn(
    process.execPath,
    [path.join(__dirname, '../../deploy/examples/coordinator/coordinator.js')],
    {
      env: {
        ...process.env,
        LOOKOUT_COORDINATOR_SECRET: SECRET,
        COORDINATOR_LISTEN: '127.0.0.1:0',
        COORDINATOR_SERVICES: JSON.stringify(services),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const port = await waitFor('the coordinator to listen', () => /listening on [\d.]+:(\d+)/.exec(out)?.[1]);
  url = `http://127.0.0.1:${port}/scale`;
});
afterAll(async () => {
  child.kill('SIGTERM');
  await removeTestContainers(runId);
});

const running = async () =>
  (await docker('ps', '-q', '--filter', `label=lookout.coordinator.service=${service}`))
    .split('\n')
    .filter(Boolean).length;

function scaler(secretEnv = 'T_DCOORD_KEY') {
  const cfg = coordinatorSchema.parse({
    name: 'scaler',
    type: 'coordinator',
    url,
    secret: { env: secretEnv },
    timeout: '60s',
    cooldown: '10m',
    scale_in_quiet: '30m',
    services: { [service]: { min: 1, max: 3, size: 1 } },
  });
  return coordinatorKind.create(cfg, { logger: captureLogger().logger, clock });
}

let id = 0;
function pool(scale?: 'in'): Notification {
  const a = makeAlert({ rule: 'service_pool_hot', labels: { service, ...(scale ? { scale } : {}) } });
  return makeNotification({ id: ++id, firing: [{ ...a, links: {} }] });
}

test('scaled out and in on the real engine, within cooldown, bounds and the quiet period', async () => {
  clock = new ManualClock(T0);
  const s = scaler();
  const send = async (ms: number, n: Notification) => {
    clock.set(T0 + ms);
    return (await s.send(n, new AbortController().signal)).answer;
  };
  expect(await send(0, pool())).toBe(`${service}: out 1→2 sent`);
  expect(await running()).toBe(2);
  expect(await send(5 * MIN, pool())).toMatch(/out held by cooldown/);
  expect(await send(11 * MIN, pool())).toBe(`${service}: out 2→3 sent`);
  expect(await running()).toBe(3);
  expect(await send(22 * MIN, pool())).toMatch(/out held at bound 3/);
  expect(await send(25 * MIN, pool('in'))).toMatch(/in held until .*quiet period/);
  expect(await send(42 * MIN, pool('in'))).toBe(`${service}: in 3→2 sent`);
  expect(await running()).toBe(2);
  // A request signed with another key is refused, and says a retry will not help.
  const wrong = scaler('T_DCOORD_WRONG');
  await expect(wrong.send(pool(), new AbortController().signal)).rejects.toMatchObject({ retriable: false });
  expect(await running()).toBe(2);
});
