/**
 * Issue 17: a `lookout alert` replica whose consumer is not in its group evaluates nothing, and
 * its /healthz must say so. A real `lookout alert` on a private stand-in broker (the test has to
 * make the broker refuse the group, so never a shared or real one): healthy once assigned; the
 * broker kicks the group's members out and refuses their joins (an ACL revoked): 503 naming the
 * group, `lookout status --check` CRITICAL (2) with the reason, the image's HEALTHCHECK
 * (deploy/healthcheck.js) unhealthy (1); the group admitted again: healthy, OK (0).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { KafkaStandin } from '../support/kafka-standin/server';
import { waitFor } from '../support/docker';
import { lookoutCli } from '../support/lookout-cli';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { uniquePrefix } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const prefix = uniquePrefix('bus-health');
const groupId = prefix.replace(/\.$/, '');
let standin: KafkaStandin;
let alerter: LookoutProcess | undefined;
let metricsUrl = '';

async function healthz(): Promise<{
  status: number;
  body: { checks: Record<string, { ok: boolean; detail?: string }> };
}> {
  const res = await fetch(`${metricsUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as never };
}

beforeAll(async () => {
  standin = await new KafkaStandin({ defaultPartitions: 6 }).start();
  alerter = startLookout({
    args: ['alert'],
    // session 6 s + rebalance 6 s: the check's budget is 12 s.
    config: `bus:
  type: kafka
  kafka:
    brokers: ['${standin.broker}']
    topic_prefix: ${prefix}
    group_id: ${groupId}
    session_timeout: 6s
    heartbeat_interval: 1s
    rebalance_timeout: 6s
notify:
  api: { listen: '127.0.0.1:0' }
`,
  });
  const health = await alerter.waitForLog(
    '/healthz',
    (l) => String(l.msg).startsWith('health endpoints'),
    90_000,
  );
  metricsUrl = health.url as string;
  await alerter.waitForLog('lookout running', (l) => l.msg === 'lookout running', 90_000);
}, 120_000);

afterAll(async () => {
  await alerter?.stop();
  await standin?.stop();
});

const check = () => lookoutCli(['status', '--check', '--metrics', metricsUrl, '--api', 'http://127.0.0.1:9']);

/** The image's HEALTHCHECK command (deploy/healthcheck.js), as Docker runs it: Docker's 0 or 1. */
function healthcheck(): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'deploy', 'healthcheck.js')],
      { env: { ...process.env, LOOKOUT_HTTP__LISTEN: new URL(metricsUrl).host }, timeout: 60_000 },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout }),
    );
  });
}

test('assigned: /healthz 200 and status OK; kicked and refused: 503 naming the group, CRITICAL; admitted: healthy', async () => {
  // Before the first join the check is still ok, with a "not in group for N s" detail.
  await waitFor(
    'the replica in its groups',
    async () => !(await healthz()).body.checks.bus?.detail,
    60_000,
    500,
  );
  expect(await healthz()).toEqual({
    status: 200,
    body: expect.objectContaining({ checks: expect.objectContaining({ bus: { ok: true } }) }),
  });
  const ok = await check();
  expect(ok.stdout).toMatch(/^LOOKOUT OK - /);
  expect(ok.code).toBe(0);
  expect(await healthcheck()).toEqual({
    code: 0,
    stdout: expect.stringMatching(/^LOOKOUT OK - /) as unknown,
  });
  const screen = await lookoutCli(['status', '--metrics', metricsUrl, '--api', 'http://127.0.0.1:9']);
  expect(screen.stdout).toContain(`${groupId}.alerter: 24 topic-partitions assigned`);
  expect(screen.stdout).toMatch(/\/healthz +ok/);
  expect(screen.stdout).toContain('docker engine      not watched (no collector here)\n');

  standin.groups.refuse(`${groupId}.alerter`);
  const sick = await waitFor(
    'a 503 from /healthz',
    async () => {
      const h = await healthz();
      return h.status === 503 && h;
    },
    90_000,
    500,
  );
  expect(sick.body.checks.bus!.ok).toBe(false);
  expect(sick.body.checks.bus!.detail).toMatch(
    new RegExp(`^consumer (not in group|of group) ${groupId}\\.alerter .*for \\d+ s`),
  );
  const critical = await check();
  expect(critical.code).toBe(2);
  // Docker reserves exit code 2: the HEALTHCHECK says unhealthy (1), with the check's line.
  expect(await healthcheck()).toEqual({
    code: 1,
    stdout: expect.stringMatching(/^LOOKOUT CRITICAL - bus unhealthy: /) as unknown,
  });
  expect(critical.stdout).toMatch(
    new RegExp(`^LOOKOUT CRITICAL - bus unhealthy: consumer .*${groupId}\\.alerter`),
  );

  standin.groups.admit(`${groupId}.alerter`);
  await waitFor('healthy again once admitted', async () => (await healthz()).status === 200, 90_000, 500);
  expect((await check()).code).toBe(0);
}, 300_000);

test('the HEALTHCHECK says unhealthy (1) when lookout does not answer', async () => {
  await alerter!.stop();
  const r = await healthcheck();
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^LOOKOUT UNKNOWN - http:\/\/127\.0\.0\.1:\d+ did not answer/);
});
