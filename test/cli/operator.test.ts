/**
 * The operator's terminal against a real `lookout run` on the real engine: `lookout alerts`
 * shows a crash-looping container's alert with its labels, as JSON too, and a matcher filters
 * it out; `lookout status --check` says OK while healthy, CRITICAL once the sink's backend has
 * been down long enough, UNKNOWN when lookout is not running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { PrivateCarbon } from '../support/carbon-private';
import { lookoutCli } from '../support/lookout-cli';

const ROOT = path.resolve(__dirname, '..', '..');
// The shipped rules, in a folder of the test's own, so a test can break one and reload.
const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-op-rules-'));
fs.cpSync(path.join(ROOT, 'rules'), rulesDir, { recursive: true });
const runId = newRunId('op');
const crasher = `crasher-${runId}`;
let lookout: LookoutProcess | undefined;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
let carbon: PrivateCarbon | undefined;
let apiUrl = '';
let metricsUrl = '';

const cli = (args: string[]) => lookoutCli(args, { NO_COLOR: '1' });

beforeAll(async () => {
  hook = await startWebhookReceiver();
  carbon = await PrivateCarbon.create();
  await carbon.start();
  lookout = startLookout({
    args: ['run'],
    env: { LOOKOUT_NOTIFY__API__LISTEN: '127.0.0.1:0' },
    config: `
collector:
  stats: { interval: 1s }
  logs: { start_at: end }
sinks:
  - { type: graphite, address: '127.0.0.1:${carbon.port}' }
alerter:
  rules: ['${rulesDir}']
notify:
  receivers:
    - { name: hook, type: webhook, url: '${hook.url}' }
`,
  });
  const api = await lookout.waitForLog('the alerter API', (l) => l.msg === 'alerter API listening', 90_000);
  apiUrl = `http://127.0.0.1:${api.port as number}`;
  const health = await lookout.waitForLog('/metrics', (l) => String(l.msg).startsWith('health endpoints'));
  metricsUrl = health.url as string;
  await lookout.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000);
  await runContainer({
    runId,
    name: crasher,
    args: ['--restart', 'on-failure'],
    cmd: ['sh', '-c', 'sleep 1; exit 3'],
  });
}, 180_000);

afterAll(async () => {
  await removeTestContainers(runId);
  await lookout?.stop();
  await hook?.close();
  await carbon?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

test('lookout alerts shows the crash loop firing with its labels; --output json parses; a matcher filters it out', async () => {
  const table = await waitFor(
    'the crash loop in lookout alerts',
    async () => {
      const r = await cli(['alerts', '--api', apiUrl, `container=${crasher}`]);
      return r.stdout.includes('container_crash_loop') && r;
    },
    120_000,
    1000,
  );
  expect(table.code).toBe(0);
  // The crasher may also show as pending for container_down (it is down between restarts).
  const [head, ...lines] = table.stdout.trim().split('\n');
  expect(head).toMatch(/^STATE +SEVERITY +RULE +LABELS +VALUE +SINCE +SILENCED-BY$/);
  const line = lines.find((l) => l.includes('container_crash_loop'));
  expect(line).toMatch(
    new RegExp(`^firing +critical +container_crash_loop +\\S*container=${crasher}\\S* +\\S+ +\\S+ +-$`),
  );

  const json = await cli(['alerts', '--api', apiUrl, '--output', 'json', `container=${crasher}`]);
  expect(json.code).toBe(0);
  const rows = JSON.parse(json.stdout) as Array<{
    status: string;
    alert: { rule: string; labels: Record<string, string> };
  }>;
  expect(rows.filter((r) => r.alert.rule === 'container_crash_loop')).toEqual([
    expect.objectContaining({
      status: 'firing',
      alert: expect.objectContaining({
        rule: 'container_crash_loop',
        labels: expect.objectContaining({ container: crasher }),
      }),
    }),
  ]);

  const filtered = await cli(['alerts', '--api', apiUrl, '-o', 'json', `container!=${crasher}`]);
  expect(filtered.code).toBe(0);
  const others = JSON.parse(filtered.stdout) as Array<{ alert: { labels: Record<string, string> } }>;
  expect(others.some((r) => r.alert.labels.container === crasher)).toBe(false);
}, 180_000);

test('lookout alerts with a bad matcher is a usage error (2); with no lookout to ask, unreachable (3)', async () => {
  const bad = await cli(['alerts', '--api', apiUrl, 'container=~(']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('is not a regular expression');
  const gone = await cli(['alerts', '--api', 'http://127.0.0.1:9', '--timeout', '2s']);
  expect(gone.code).toBe(3);
  expect(gone.stderr).toContain('http://127.0.0.1:9 did not answer');
});

const check = (...flags: string[]) =>
  cli([
    'status',
    '--check',
    '--metrics',
    metricsUrl,
    '--api',
    apiUrl,
    '--sink-down-critical',
    '5s',
    ...flags,
  ]);

test('lookout status shows the running lookout; --check is OK (0) while healthy', async () => {
  const ok = await waitFor(
    'an OK check (Docker connected, the sink delivering)',
    async () => {
      const r = await check();
      return r.code === 0 && r;
    },
    120_000,
    1000,
  );
  expect(ok.stdout).toMatch(
    /^LOOKOUT OK - \d+ containers watched, 1 sink\(s\) delivering, \d+ rules \| containers=\d+ /,
  );

  const screen = await cli(['status', '--metrics', metricsUrl, '--api', apiUrl]);
  expect(screen.code).toBe(0);
  expect(screen.stdout).toMatch(/docker engine +connected, \d+ containers watched/);
  expect(screen.stdout).toMatch(/graphite +delivering, last write \S+ ago, spool empty/);
  expect(screen.stdout).toMatch(/rules +\d+ loaded; reloads: 0 ok, 0 rejected/);
  // Lag behind event time, from the stats events flowing every second; then the cost of a pass.
  expect(screen.stdout).toMatch(
    /evaluation +\d+(ms|s) behind event time \(newest event \S+ ago\); [\d.]+ ms per pass/,
  );
  expect(screen.stdout).toMatch(/alerts firing +[1-9]\d* \(/);
  // The crash loop's notification reaches the webhook receiver: its last delivery shows.
  await waitFor(
    "the receiver's last delivery on the screen",
    async () =>
      /hook +[1-9]\d* delivered, \d+ retried, \d+ rejected; last ok \S+ ago/.test(
        (await cli(['status', '--metrics', metricsUrl, '--api', apiUrl])).stdout,
      ),
    120_000,
    1000,
  );
}, 180_000);

test('a broken rule edit: the reload is REJECTED, --check WARNING (1); fixed: accepted, OK again', async () => {
  const screen = async () => (await cli(['status', '--metrics', metricsUrl, '--api', apiUrl])).stdout;
  fs.writeFileSync(path.join(rulesDir, 'broken.yaml'), 'rules:\n  - name: broken\n    kind: nosuch\n');
  lookout!.child.kill('SIGHUP');
  const warn = await waitFor(
    'a WARNING check',
    async () => {
      const r = await check();
      return r.code === 1 && r;
    },
    60_000,
    500,
  );
  expect(warn.stdout).toMatch(/^LOOKOUT WARNING - last rule reload rejected/);
  expect(await screen()).toMatch(
    /rules +\d+ loaded; last reload REJECTED \S+ ago; reloads: \d+ ok, [1-9]\d* rejected/,
  );

  fs.rmSync(path.join(rulesDir, 'broken.yaml'));
  lookout!.child.kill('SIGHUP');
  await waitFor('the reload accepted', async () => /last reload accepted/.test(await screen()), 60_000, 500);
  expect((await check()).code).toBe(0);
}, 180_000);

test("--check is CRITICAL (2) once the sink's backend has been down past the threshold", async () => {
  await carbon!.stop();
  const crit = await waitFor(
    'a CRITICAL check',
    async () => {
      const r = await check();
      return r.code === 2 && r;
    },
    120_000,
    1000,
  );
  expect(crit.stdout).toMatch(/^LOOKOUT CRITICAL - sink graphite retrying, last delivered \S+ ago/);
  const screen = await cli(['status', '--metrics', metricsUrl, '--api', apiUrl]);
  expect(screen.stdout).toMatch(/graphite +RETRYING, last write \S+ ago/);
  // The spool's age: the oldest spooled event grows older while the backend stays down.
  const age = await waitFor(
    'a spooled event 3 s old',
    async () => {
      const text = await (await fetch(`${metricsUrl}/metrics`)).text();
      const m = /^lookout_spool_oldest_event_age_seconds\{sink="graphite"\} (\S+)$/m.exec(text);
      return m && Number(m[1]) >= 3 && Number(m[1]);
    },
    120_000,
    1000,
  );
  expect(age).toBeLessThan(600);
  const later = await cli(['status', '--metrics', metricsUrl, '--api', apiUrl]);
  expect(later.stdout).toMatch(
    /graphite +RETRYING, last write \S+ ago, spool \d+ events \([^,]+, oldest \d+s\)/,
  );
  const aged = await check('--spool-age-critical', '2s');
  expect(aged.stdout).toMatch(/sink graphite spool's oldest event is \d+s old/);
}, 180_000);

test('--check is UNKNOWN (3) when lookout is not running', async () => {
  await lookout!.stop();
  const r = await check();
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/^LOOKOUT UNKNOWN - http:\/\/127\.0\.0\.1:\d+ did not answer/);
});
