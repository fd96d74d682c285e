/**
 * Transitions in, pages out, against the PagerDuty stand-in over HTTPS: one trigger per alert
 * group, a resolve under the same key, delivery after 429 and 500, nothing for silenced or
 * inhibited alerts, one page when 20 containers on a host die together. Time is a ManualClock
 * and the dispatcher is driven pass by pass.
 */
import { createNotifier, addSilence, explain, type NotifierService } from '../../alerter/notify';
import { notifyConfigSchema } from '../../alerter/notify/config';
import { failedRows, pendingRows } from '../../alerter/notify/outbox';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../support/pagerduty-standin';
import { firing, makeAlert, resolved, T0 } from './fixtures';

const cert = makeLoopbackCert();
process.env.T_FLOW_PD_KEY = 'flow-routing-key-0123456789abcdef';
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
beforeEach(() => {
  pd.accepted.length = 0;
  store = StateStore.open(':memory:');
  clock = new ManualClock(T0);
  const config = notifyConfigSchema.parse({
    receivers: [
      {
        name: 'pd',
        type: 'pagerduty',
        routing_key: { env: 'T_FLOW_PD_KEY' },
        events_host: pd.server,
        ca_file: cert.certFile,
        timeout: '5s',
      },
    ],
    group: { wait: '10s', interval: '1m', repeat_interval: '1h' },
    api: { enabled: false },
    links: {
      grafana_url: 'https://grafana.example',
      kibana_url: 'https://kibana.example',
      graphite_url: 'http://127.0.0.1:8080',
      alerter_url: 'http://alerter.example:9465',
    },
  });
  n = createNotifier({ store, logger: silentLogger(), clock, config });
});
afterEach(async () => {
  await n.stop();
  store.close();
});

const triggers = () => pd.accepted.filter((e) => e.body.event_action === 'trigger');
const resolves = () => pd.accepted.filter((e) => e.body.event_action === 'resolve');
async function passAt(ms: number) {
  clock.set(T0 + ms);
  await n.tick();
}

test('one trigger after group_wait, no repeat for the same alert, a resolve under the same key at once', async () => {
  const a = makeAlert();
  await n.handle([firing(a)]);
  await passAt(0);
  expect(pd.accepted).toHaveLength(0);
  await passAt(10_000);
  expect(triggers()).toHaveLength(1);
  const ev = triggers()[0]!.body;
  expect(ev.dedup_key).toBe(a.key);
  expect(ev.routing_key).toBe('flow-routing-key-0123456789abcdef');
  expect(ev.payload).toMatchObject({
    source: 'h1',
    component: 'web-1',
    group: 'web',
    class: 'container_cpu_high',
    severity: 'critical',
  });
  expect(ev.payload.custom_details).toMatchObject({
    value: 97.5,
    threshold: 90,
    labels: a.labels,
    last_lines: a.lastLines,
  });
  expect(ev.links.map((l: { text: string }) => l.text)).toEqual([
    'Dashboard',
    'Logs',
    'Runbook',
    'Why this page',
  ]);
  expect(ev.images[0].src).toMatch(/^http:\/\/127\.0\.0\.1:8080\/render\?target=/);
  // The engine says it again, and time passes within repeat_interval: still one page.
  await n.handle([firing(a)]);
  await passAt(20_000);
  await passAt(120_000);
  expect(triggers()).toHaveLength(1);
  await n.handle([resolved(a, T0 + 125_000)]);
  await passAt(125_000);
  expect(resolves()).toHaveLength(1);
  expect(resolves()[0]!.body.dedup_key).toBe(a.key);
  expect(explain(store, a.key).map((d) => d.step)).toEqual(
    expect.arrayContaining(['received', 'routed', 'queued', 'delivered']),
  );
});

test('20 containers of one host dying together make one page, listing each with its own links', async () => {
  const alerts = Array.from({ length: 20 }, (_, i) =>
    makeAlert({
      rule: 'container_died',
      kind: 'lifecycle',
      labels: { host: 'h2', container: `job-${i}`, service: 'job' },
      summary: `job-${i} died`,
      metric: undefined,
    }),
  );
  await n.handle(alerts.map((a, i) => firing(a, T0 + i * 100)));
  await passAt(10_000);
  await passAt(20_000);
  expect(triggers()).toHaveLength(1);
  expect(triggers()[0]!.body.payload.summary).toMatch(/^\[FIRING:20\] container_died on host=h2:/);
  const listed = triggers()[0]!.body.payload.custom_details.alerts as any[];
  expect(listed).toHaveLength(20);
  expect(triggers()[0]!.body.payload.custom_details.affected).toBe(20);
  for (const a of listed) expect(a.links.dashboard).toContain(a.labels.container);
  await n.handle(alerts.map((a) => resolved(a, T0 + 30_000)));
  await passAt(30_000);
  expect(resolves()).toHaveLength(1);
  expect(resolves()[0]!.body.dedup_key).toBe(triggers()[0]!.body.dedup_key);
});

test.each([429, 500])('delivered after the receiver answered %i', async (status) => {
  // pdjs asks again at once on a 429 (three times) before handing it back.
  pd.failNext(status, status === 429 ? 4 : 1);
  await n.handle([firing(makeAlert())]);
  await passAt(10_000);
  expect(pd.accepted).toHaveLength(0);
  expect(pendingRows(store)[0]).toMatchObject({ attempts: 1 });
  await passAt(10_500);
  expect(pd.accepted).toHaveLength(0);
  await passAt(80_000);
  expect(triggers()).toHaveLength(1);
  expect(pendingRows(store)).toHaveLength(0);
});

test('a 400 is final: reported, recorded, not retried', async () => {
  pd.failNext(400, 1);
  const a = makeAlert();
  await n.handle([firing(a)]);
  await passAt(10_000);
  await passAt(100_000);
  expect(pd.accepted).toHaveLength(0);
  expect(failedRows(store)).toHaveLength(1);
  expect(explain(store, a.key).some((d) => d.step === 'rejected')).toBe(true);
});

test('a silenced alert is recorded, not sent', async () => {
  addSilence(store, { matchers: ['service=api'], for: '30m', comment: 'deploy' }, clock);
  const a = makeAlert({ labels: { host: 'h3', container: 'api-1', service: 'api' } });
  await n.handle([firing(a)]);
  await passAt(10_000);
  await passAt(100_000);
  expect(pd.accepted).toHaveLength(0);
  expect(explain(store, a.key).find((d) => d.step === 'muted')?.detail.by).toMatch(/^silence:/);
  // When the silence has ended, it pages.
  await passAt(31 * 60_000);
  await passAt(31 * 60_000 + 10_000);
  expect(triggers()).toHaveLength(1);
});

test('a silent host mutes its container alerts; a critical mutes the warning beside it', async () => {
  const hostDown = makeAlert({
    rule: 'host_silent',
    kind: 'absence',
    labels: { host: 'h4' },
    summary: 'h4 stopped reporting',
    metric: undefined,
  });
  const container = makeAlert({ labels: { host: 'h4', container: 'web-9', service: 'web' } });
  const crit = makeAlert({ rule: 'mem_critical', labels: { host: 'h5', container: 'db-1', service: 'db' } });
  const warn = makeAlert({
    rule: 'mem_warning',
    severity: 'warning',
    labels: { host: 'h5', container: 'db-1', service: 'db' },
  });
  await n.handle([firing(hostDown), firing(container), firing(crit), firing(warn)]);
  await passAt(10_000);
  const sent = triggers().map((e) => e.body.payload.custom_details);
  expect(triggers()).toHaveLength(2);
  expect(sent.map((d) => d.labels)).toEqual(expect.arrayContaining([hostDown.labels, crit.labels]));
  // The muted ones are shown on the page that mutes them, never paged on their own.
  const { related: _r, ...withoutRelated } = sent.find((d) => d.labels.host === 'h4')!;
  expect(JSON.stringify(withoutRelated)).not.toContain('web-9');
  expect(sent.find((d) => d.labels.host === 'h4')!.related).toEqual([
    expect.objectContaining({ labels: container.labels, muted_because: 'host silent' }),
  ]);
  expect(sent.find((d) => d.labels.host === 'h4')!.affected).toBe(2);
  expect(sent.find((d) => d.labels.host === 'h5')!.related[0].rule).toBe('mem_warning');
  expect(explain(store, container.key).find((d) => d.step === 'muted')?.detail).toMatchObject({
    by: expect.stringMatching(/^inhibit:0:/),
    reason: 'host silent',
  });
  expect(explain(store, warn.key).find((d) => d.step === 'muted')?.detail).toMatchObject({
    by: expect.stringMatching(/^inhibit:\d+:/),
    reason: 'critical mutes warning',
  });
});

test('a service short of containers mutes nothing, and a warning never mutes a critical page', async () => {
  const fewWeb = makeAlert({
    rule: 'web_too_few',
    kind: 'absence',
    labels: { host: 'h6', service: 'web' },
    summary: 'web has 1 of 2 containers',
    metric: undefined,
  });
  const dbCrash = makeAlert({
    rule: 'container_crash_loop',
    kind: 'lifecycle',
    labels: { host: 'h6', container: 'db-1', service: 'db' },
  });
  const warnHost = makeAlert({
    rule: 'host_quiet',
    kind: 'absence',
    severity: 'warning',
    labels: { host: 'h7' },
    metric: undefined,
  });
  const crit7 = makeAlert({
    rule: 'container_crash_loop',
    kind: 'lifecycle',
    labels: { host: 'h7', container: 'api-2', service: 'api' },
  });
  await n.handle([firing(fewWeb), firing(dbCrash), firing(warnHost), firing(crit7)]);
  await passAt(10_000);
  const sent = JSON.stringify(triggers().map((e) => e.body.payload.custom_details));
  expect(sent).toContain('db-1');
  expect(sent).toContain('api-2');
  expect(explain(store, dbCrash.key).some((d) => d.step === 'muted')).toBe(false);
  expect(explain(store, crit7.key).some((d) => d.step === 'muted')).toBe(false);
});

test('a flapping alert pages once and is held, not re-paged', async () => {
  const a = makeAlert({ labels: { host: 'h6', container: 'c', service: 's' } });
  let t = 0;
  for (let i = 0; i < 5; i++) {
    await n.handle([firing(a, T0 + t)]);
    await passAt((t += 15_000));
    await n.handle([resolved(a, T0 + t)]);
    await passAt((t += 65_000));
  }
  // Before it was seen flapping it may have paged and resolved a few times; after, nothing more.
  const before = pd.accepted.length;
  for (let i = 0; i < 5; i++) {
    await n.handle([firing(a, T0 + t)]);
    await passAt((t += 15_000));
    await n.handle([resolved(a, T0 + t)]);
    await passAt((t += 65_000));
  }
  expect(pd.accepted.length - before).toBeLessThanOrEqual(1);
  expect(explain(store, a.key).some((d) => d.step === 'flapping')).toBe(true);
});

test('a summary is cut to 1024 characters', async () => {
  await n.handle([firing(makeAlert({ summary: 'x'.repeat(3000) }))]);
  await passAt(10_000);
  expect(triggers()[0]!.body.payload.summary).toHaveLength(1024);
});
