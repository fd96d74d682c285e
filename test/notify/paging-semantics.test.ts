/**
 * What the on-call person experiences, with the stock notify config (no grouping settings) and
 * the PagerDuty stand-in: PagerDuty notifies on a new dedup_key only, so a notification here is a
 * trigger on a key with no open incident. Time is a ManualClock, the dispatcher driven pass by pass.
 */
import { createNotifier, explain, type NotifierService } from '../../alerter/notify';
import { notifyConfigSchema } from '../../alerter/notify/config';
import { PAGING_GROUPING } from '../../alerter/notify/grouping';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../support/pagerduty-standin';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { firing, makeAlert, resolved, T0 } from './fixtures';

const cert = makeLoopbackCert();
process.env.T_PAGING_PD_KEY = 'paging-routing-key';
let pd: PagerDutyStandin;
let store: StateStore;
let clock: ManualClock;
let n: NotifierService;

beforeAll(async () => {
  pd = await startPagerDutyStandin(cert);
});
afterAll(async () => {
  await pd.close();
});

const pdReceiver = {
  name: 'pd',
  type: 'pagerduty',
  routing_key: { env: 'T_PAGING_PD_KEY' },
  ca_file: cert.certFile,
};

function start(extra: Record<string, unknown> = {}) {
  store = StateStore.open(':memory:');
  clock = new ManualClock(T0);
  const config = notifyConfigSchema.parse({
    receivers: [{ ...pdReceiver, events_host: pd.server }],
    api: { enabled: false },
    links: { grafana_url: 'https://grafana.example', alerter_url: 'http://alerter.example:9465' },
    ...extra,
  });
  n = createNotifier({ store, logger: silentLogger(), clock, config });
}
beforeEach(() => {
  pd.accepted.length = 0;
});
afterEach(async () => {
  await n.stop();
  store.close();
});

async function passAt(ms: number) {
  clock.set(T0 + ms);
  await n.tick();
}

/** Triggers on a key with no open incident: what wakes someone. */
function notifications() {
  const open = new Set<string>();
  const out: Array<Record<string, any>> = [];
  for (const e of pd.accepted) {
    const key = e.body.dedup_key as string;
    if (e.body.event_action === 'resolve') open.delete(key);
    else if (!open.has(key)) {
      open.add(key);
      out.push(e.body);
    }
  }
  return out;
}
const eventsFor = (key: string) => pd.accepted.filter((e) => e.body.dedup_key === key).map((e) => e.body);

test('a second problem on a host with an open incident is its own notification, within the paging wait', async () => {
  start();
  const cpu = makeAlert({ labels: { host: 'h1', container: 'api-1' } });
  const sick = makeAlert({ rule: 'container_unhealthy', labels: { host: 'h1', container: 'db-1' } });
  await n.handle([firing(cpu)]);
  await passAt(PAGING_GROUPING.wait);
  expect(notifications().map((b) => b.dedup_key)).toEqual([cpu.key]);
  await n.handle([firing(sick, T0 + 5_000)]);
  await passAt(5_000);
  await passAt(5_000 + PAGING_GROUPING.wait);
  expect(notifications().map((b) => b.dedup_key)).toEqual([cpu.key, sick.key]);
  const page = notifications()[1]!;
  expect(page.payload.component).toBe('db-1');
  expect(page.payload.custom_details.affected).toBe(1);
  // Its own links: the dashboard names its own container.
  expect(page.links.find((l: any) => l.text === 'Dashboard').href).toContain('db-1');
  // One resolves: only its own key is resolved; the other stays open.
  await n.handle([resolved(cpu, T0 + 60_000)]);
  await passAt(60_000);
  expect(eventsFor(cpu.key).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
  expect(eventsFor(sick.key).map((e) => e.event_action)).toEqual(['trigger']);
});

test('an alert that fires and resolves between two passes is still notified, then resolved', async () => {
  start();
  const hog = makeAlert({ labels: { host: 'h1', container: 'hog' } });
  await n.handle([firing(hog), resolved(hog, T0 + 500)]);
  await passAt(1_000);
  expect(eventsFor(hog.key).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
  expect(explain(store, hog.key).filter((d) => d.step === 'queued')).toHaveLength(2);
});

test('a crash loop supersedes "down" and an OOM kill of its container: shown on its page, not paged', async () => {
  start();
  const labels = { host: 'h1', container: 'worker' };
  const loop = makeAlert({ rule: 'container_crash_loop', kind: 'lifecycle', labels });
  const down = makeAlert({ rule: 'container_down', kind: 'lifecycle', severity: 'error', labels });
  const oom = makeAlert({ rule: 'container_oom_killed', kind: 'lifecycle', severity: 'error', labels });
  await n.handle([firing(loop), firing(oom)]);
  await passAt(PAGING_GROUPING.wait);
  await n.handle([firing(down, T0 + 40_000)]);
  await passAt(40_000);
  await passAt(40_000 + PAGING_GROUPING.wait);
  expect(notifications().map((b) => b.payload.class)).toEqual(['container_crash_loop']);
  expect(notifications()[0]!.payload.custom_details.related).toEqual([
    expect.objectContaining({
      rule: 'container_oom_killed',
      muted_because: 'crash loop supersedes down and OOM',
    }),
  ]);
  for (const a of [down, oom])
    expect(explain(store, a.key).find((d) => d.step === 'muted')?.detail.reason).toBe(
      'crash loop supersedes down and OOM',
    );
});

test('a storm of one rule on one host: at most 2 notifications, the count carried by updates', async () => {
  start();
  const jobs = Array.from({ length: 20 }, (_, i) =>
    makeAlert({
      rule: 'container_crash_loop',
      kind: 'lifecycle',
      labels: { host: 'h2', container: `web-${i}` },
    }),
  );
  // One every 3 s: the first pages alone before the second exists.
  for (const [i, a] of jobs.entries()) {
    await n.handle([firing(a, T0 + i * 3_000)]);
    await passAt(i * 3_000 + 500);
    await passAt(i * 3_000 + 2_500);
  }
  await passAt(120_000);
  const pages = notifications();
  expect(pages).toHaveLength(2);
  expect(pages[0]!.dedup_key).toBe(jobs[0]!.key);
  expect(pages[1]!.payload.summary).toMatch(/^\[FIRING:\d+\] container_crash_loop on host=h2/);
  const aggregateKey = pages[1]!.dedup_key as string;
  const updates = eventsFor(aggregateKey);
  expect(updates.at(-1)!.payload.custom_details.affected).toBe(20);
  expect(updates.at(-1)!.payload.custom_details.alerts).toHaveLength(19);
  expect(explain(store, jobs[5]!.key).find((d) => d.step === 'aggregated')?.groupId).toBeDefined();
  // The aggregate resolves only once every member has; the first one resolves on its own key.
  await n.handle(jobs.slice(0, 19).map((a) => resolved(a, T0 + 130_000)));
  await passAt(130_000);
  expect(eventsFor(aggregateKey).some((e) => e.event_action === 'resolve')).toBe(false);
  expect(eventsFor(jobs[0]!.key).at(-1)!.event_action).toBe('resolve');
  await n.handle([resolved(jobs[19]!, T0 + 140_000)]);
  await passAt(140_000);
  expect(eventsFor(aggregateKey).at(-1)!.event_action).toBe('resolve');
});

test('a host that falls silent with 30 alerting containers: one notification that counts them', async () => {
  start();
  const silent = makeAlert({
    rule: 'collector_silent',
    kind: 'absence',
    labels: { host: 'h3' },
    summary: 'h3 stopped reporting',
  });
  const containers = Array.from({ length: 30 }, (_, i) =>
    makeAlert({
      rule: 'app_metrics_absent',
      kind: 'absence',
      severity: 'error',
      labels: { host: 'h3', container: `c-${i}` },
    }),
  );
  await n.handle([firing(silent), ...containers.map((a) => firing(a, T0 + 1_000))]);
  await passAt(1_000);
  await passAt(1_000 + PAGING_GROUPING.wait);
  await passAt(60_000);
  const pages = notifications();
  expect(pages).toHaveLength(1);
  expect(pages[0]!.payload.class).toBe('collector_silent');
  expect(pages[0]!.payload.custom_details.affected).toBe(31);
  expect(pages[0]!.payload.custom_details.related).toHaveLength(30);
});

test('a digest receiver keeps grouping by host; a fire-and-resolve between updates is in the next one', async () => {
  const hook = await startWebhookReceiver();
  try {
    store = StateStore.open(':memory:');
    clock = new ManualClock(T0);
    n = createNotifier({
      store,
      logger: silentLogger(),
      clock,
      config: notifyConfigSchema.parse({
        receivers: [{ name: 'hook', type: 'webhook', url: hook.url }],
        api: { enabled: false },
        links: { grafana_url: 'https://grafana.example' },
      }),
    });
    const a = makeAlert({ labels: { host: 'h4', container: 'a' } });
    const b = makeAlert({ rule: 'container_unhealthy', labels: { host: 'h4', container: 'b' } });
    const hog = makeAlert({ labels: { host: 'h4', container: 'hog' } });
    await n.handle([firing(a), firing(b)]);
    await passAt(5_000);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body.firing.map((x: any) => x.labels.container).sort()).toEqual(['a', 'b']);
    // Each alert in the digest has its own container's links.
    for (const x of hook.received[0]!.body.firing)
      expect(x.links.dashboard).toContain(`var-container=${x.labels.container}`);
    await n.handle([firing(hog, T0 + 60_000), resolved(hog, T0 + 200_000)]);
    await passAt(60_000);
    await passAt(200_000);
    expect(hook.received).toHaveLength(1);
    await passAt(305_000);
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.body.resolved.map((x: any) => x.labels.container)).toEqual(['hog']);
  } finally {
    await hook.close();
  }
});
