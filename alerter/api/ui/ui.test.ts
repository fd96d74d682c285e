/**
 * The UI's pages over a real HTTP listener and a real (in-memory) store, read as text: escaping,
 * the content policy, the runbook, the timeline, the list's filter and grouping. The browser
 * suite (test/ui/) drives the same pages in chromium on the real engine.
 */
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { StateStore } from '../../../core/store/store';
import { makeAlert, firing, T0 } from '../../../test/notify/fixtures';
import { AlertStore } from '../../engine/persist';
import { linksConfigSchema } from '../../links';
import { notifyConfigSchema } from '../../notify/config';
import { addSilence } from '../../notify/silence';
import { recordDecision } from '../../notify/decisions';
import { ingest } from '../../notify/ingest';
import { startAlerterApi, type AlerterApi } from '../server';

const clock = new ManualClock(T0 + 60_000);
const XSS = '<script>window.pwned=1</script>';
let api: AlerterApi;
let store: StateStore;
let base: string;

const crash = makeAlert({
  key: 'crash-1',
  rule: 'container_crash_loop',
  kind: 'lifecycle',
  summary: `web-1 keeps dying ${XSS}`,
  labels: { host: 'h1', container: 'web-1', service: 'web', evil: XSS },
  runbook: 'container_crash_loop.md',
  lastLines: ['booting', `fatal: ${XSS}`],
  metric: 'cpu.percent',
});
const db = makeAlert({
  key: 'db-1',
  labels: { host: 'h2', container: 'db-1', service: 'db' },
  severity: 'warning',
});

beforeAll(async () => {
  store = StateStore.open(':memory:');
  const cfg = notifyConfigSchema.parse({ api: { listen: '127.0.0.1:0' } });
  const links = linksConfigSchema.parse({ graphite_url: 'http://127.0.0.1:8080' });
  api = await startAlerterApi({ store, clock, logger: silentLogger(), config: cfg.api, links });
  base = `http://127.0.0.1:${api.address().port}`;
  ingest(store, [firing(crash), firing(db)], T0, { max_changes: 10, window: 3_600_000 });
  recordDecision(store, crash.key, T0 + 1_000, 'delivered', { receiver: 'pd', status: 202 });
  new AlertStore(store).save(
    [{ key: 'pend-1', rule: 'disk_full', state: 'pending', groupLabels: { host: 'h1' }, activeAt: T0 }],
    [{ alert: crash, from: 'pending', to: 'firing', at: T0 }],
    T0,
    100,
  );
});

afterAll(async () => {
  await api.close();
  store.close();
});

const get = async (path: string) => {
  const res = await fetch(`${base}${path}`);
  return { res, text: await res.text() };
};

test('the incident page escapes labels, summary and log lines, and forbids inline script', async () => {
  const { res, text } = await get('/alerts/crash-1');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(text).not.toContain('<script>window');
  expect(text).toContain('evil=&lt;script&gt;window.pwned=1&lt;/script&gt;');
  expect(text).toContain('fatal: &lt;script&gt;');
  expect(text.match(/<script/g)).toHaveLength(1); // the page's own app.js
});

test('the incident page shows timeline, graph with threshold, lines and the runbook', async () => {
  const { text } = await get('/alerts/crash-1');
  expect(text).toMatch(/<td class="nowrap"><strong>firing<\/strong><\/td><td>from: pending/);
  expect(text).toMatch(/<strong>delivered<\/strong><\/td><td>receiver: pd, status: 202/);
  expect(text).toContain('id="lines"');
  const src = /<img class="graph" data-testid="graph" src="([^"]+)"/.exec(text)![1]!.replace(/&amp;/g, '&');
  expect(new URL(src).searchParams.getAll('target')[1]).toBe("alias(threshold(90), 'threshold')");
  expect(text).toContain('<h3>container_crash_loop (critical)</h3>');
  expect(text).toContain('<code>docker logs --tail 100 &lt;container&gt;</code>');
});

test('a silence in force shows on the incidents it mutes', async () => {
  addSilence(
    store,
    { matchers: ['service=web'], for: '1h', comment: 'deploying web', createdBy: 'ana' },
    clock,
  );
  expect((await get('/alerts/crash-1')).text).toMatch(/Silenced until .* by ana: deploying web/);
  expect((await get('/alerts/db-1')).text).not.toContain('Silenced until');
  expect((await get('/silences')).text).toContain('deploying web');
});

test("a group's key (a digest's or an aggregate's link) shows the group's decisions", async () => {
  recordDecision(store, db.key, T0 + 2_000, 'aggregated', { group: 'grp-1', firing: 2 }, 'grp-1');
  const { res, text } = await get('/alerts/grp-1');
  expect(res.status).toBe(200);
  expect(text).toContain('Notification group <code>grp-1</code>');
  expect(text).toMatch(/<strong>aggregated<\/strong><\/td><td>group: grp-1, firing: 2/);
});

test('the browser asks for /favicon.ico on every page: no content, not a 404', async () => {
  const { res } = await get('/favicon.ico');
  expect(res.status).toBe(204);
});

test('an unknown key is a 404 page, not an error', async () => {
  const { res, text } = await get('/alerts/nope');
  expect(res.status).toBe(404);
  expect(text).toContain('No alert or group with key nope');
});

test.each([
  ['', ['crash-1', 'db-1', 'disk_full (pending)'], 'host: h1'],
  ['?match=service%3Dweb', ['crash-1'], 'host: h1'],
  ['?match=severity%3Dwarning&group=service', ['db-1'], 'service: db'],
])('the list %s shows %j grouped', async (query, shown, heading) => {
  const { res, text } = await get(`/alerts${query}`);
  expect(res.status).toBe(200);
  expect(text).toContain('http-equiv="refresh"');
  expect(text).toContain(`<h2>${heading}</h2>`);
  for (const k of ['crash-1', 'db-1', 'disk_full (pending)'])
    expect(text.includes(k)).toBe(shown.includes(k));
});

test('a filter it cannot parse says so', async () => {
  const { text } = await get('/alerts?match=%3Dnope');
  expect(text).toContain('Filter not understood');
});
