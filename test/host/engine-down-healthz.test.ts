/**
 * Issue 17: the collector's /healthz answers 503 once the Docker engine has been unreachable
 * for longer than its budget (30 s), and 200 again once it is back. A real `lookout collect`
 * watches a private dockerd this test starts, stops and starts again (never the shared engine).
 */
import { waitFor } from '../support/docker';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { PrivateDockerd } from '../support/private-dockerd';

let dockerd: PrivateDockerd;
let lookout: LookoutProcess | undefined;
let healthUrl = '';

beforeAll(async () => {
  dockerd = PrivateDockerd.create();
  await dockerd.start();
  lookout = startLookout({
    args: ['collect'],
    env: { DOCKER_HOST: `unix://${dockerd.socket}` },
    config: 'sinks: []\ncollector:\n  logs: { start_at: end }\n',
  });
  const health = await lookout.waitForLog(
    '/healthz',
    (l) => String(l.msg).startsWith('health endpoints'),
    90_000,
  );
  healthUrl = `${health.url as string}/healthz`;
  await lookout.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000);
}, 120_000);

afterAll(async () => {
  await lookout?.stop();
  await dockerd?.remove();
}, 60_000);

async function healthz(): Promise<{ status: number; docker?: { ok: boolean; detail?: string } }> {
  const res = await fetch(healthUrl, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
  return { status: res.status, docker: body.checks.docker };
}

test('engine up: 200; engine stopped: still 200 within the budget, then 503 naming the engine; back: 200', async () => {
  expect(await healthz()).toEqual({ status: 200, docker: { ok: true } });
  await dockerd.stop();
  const stoppedAt = Date.now();
  // Within the budget the reconnecting stream is reported, not judged.
  const early = await waitFor(
    'the stream reported down',
    async () => {
      const h = await healthz();
      return h.docker?.detail !== undefined && h;
    },
    60_000,
    250,
  );
  if (Date.now() - stoppedAt < 25_000) expect(early.status).toBe(200);
  const sick = await waitFor(
    'a 503',
    async () => {
      const h = await healthz();
      return h.status === 503 && h;
    },
    120_000,
    1000,
  );
  expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(30_000);
  expect(sick.docker).toEqual({
    ok: false,
    detail: expect.stringMatching(
      new RegExp(
        `^events stream to ${dockerd.socket.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} down for \\d+ s; reconnecting$`,
      ),
    ) as unknown,
  });
  await dockerd.start();
  await waitFor('200 once the engine is back', async () => (await healthz()).status === 200, 120_000, 1000);
}, 300_000);
