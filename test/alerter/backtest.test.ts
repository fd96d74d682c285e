/**
 * `lookout backtest` on the real carbon + graphite-web (issue 14): a history backfilled with
 * carbon, 3 h in the past (the test Graphite keeps 1 s points for 6 h), with known stretches
 * over the thresholds; the exact intervals, pages (through the stock routing or a config's) and
 * time firing come back, the page budget gates, and graphite-web draws the PNG.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { backtest } from '../../alerter/backtest/backtest';
import { backtestAction } from '../../cli/backtest';
import { newRunId, waitFor } from '../support/docker';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};
const p = newRunId('lkb');
const T0 = Math.floor(Date.now() / 1000 / 60) * 60 - 3 * 3600; // seconds, 3 h ago
const at = (s: number): number => (T0 + s) * 1000;

const carbon = (lines: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines.join('\n') + '\n'));
    s.on('close', () => resolve());
    s.on('error', reject);
  });

async function rendered(target: string): Promise<number> {
  const q = `target=${encodeURIComponent(target)}&format=json&from=${T0 - 60}&until=${T0 + 660}`;
  const res = await fetch(`${GRAPHITE_URL}/render?${q}`, { signal: AbortSignal.timeout(10_000) });
  const json = (await res.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
  return json.flatMap((s) => s.datapoints).filter((d) => d[0] !== null).length;
}

const RULES = `rules:
  - name: checkout_slow
    kind: graphite
    target: '${p}.lat.*'
    series_labels: {service: 2}
    reduce: last
    window: 10s
    for: 5s
    threshold: 500
    summary: slow
  - name: cpu_hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 10s
    threshold: 80
    summary: hot
  - name: panics
    kind: log_match
    match: {contains: panic}
    window: 1m
    summary: panic
`;

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtest-'));
  fs.writeFileSync(path.join(dir, 'r.yaml'), RULES);
  const lines: string[] = [];
  for (let s = 0; s < 600; s++) {
    const slow = (s >= 120 && s < 180) || (s >= 300 && s < 330);
    lines.push(`${p}.lat.web ${slow ? 900 : 100} ${T0 + s}`);
    lines.push(`${p}.lat.api 100 ${T0 + s}`);
    // Three containers of one host hot together: one problem, one aggregate page (stock routing).
    for (const c of ['web_1', 'web_2', 'web_3'])
      lines.push(`${p}.h1.${c}.cpu.percent ${s >= 200 && s < 260 ? 95 : 10} ${T0 + s}`);
  }
  await carbon(lines);
  await waitFor(
    'the backfill readable from graphite-web',
    async () => (await rendered(`${p}.*.*`)) === 1200,
    60_000,
    500,
  );
  await waitFor(
    'the cpu backfill readable',
    async () => (await rendered(`${p}.*.*.cpu.percent`)) === 1800,
    60_000,
    500,
  );
});
const onCleanup: Array<() => void> = [];
afterAll(() => {
  for (const f of onCleanup) f();
  fs.rmSync(dir, { recursive: true, force: true });
});

const opts = () => ({ rules: [dir], from: at(60), until: at(400), graphiteUrl: GRAPHITE_URL, prefix: p });

test('replays a Graphite-target rule: exact pending and firing intervals, peaks, pages, time firing', async () => {
  const { rules, receivers } = await backtest({ ...opts(), rule: 'checkout_slow' });
  const r = rules[0];
  const web = { series: `${p}.lat.web`, service: 'web' };
  expect(r!.result!.intervals).toEqual([
    { state: 'pending', labels: web, start: at(120), end: at(125), peak: 900 },
    { state: 'firing', labels: web, start: at(125), end: at(180), peak: 900 },
    { state: 'pending', labels: web, start: at(300), end: at(305), peak: 900 },
    { state: 'firing', labels: web, start: at(305), end: at(330), peak: 900 },
  ]);
  expect(r!.result!.fired).toBe(2);
  // No container label: nothing to aggregate; each firing is a new incident on the pager.
  expect(r!.pages).toBe(2);
  expect(r!.result!.firingMs).toBe(80_000);
  // Two triggers and two resolves.
  expect(receivers).toEqual([{ receiver: 'pagerduty', paging: true, notifications: 4, pages: 2 }]);
});

const hot = (c: string) => ({
  state: 'firing',
  labels: { host: 'h1', container: c, service: c },
  start: at(200),
  // The last hot point (259 s) leaves the 10 s window (now - 10 s, now] at 269 s.
  end: at(269),
  peak: 95,
});

test('replays a collector-metric rule from what the carbon sink wrote; 3 containers of a host are 1 aggregate page', async () => {
  const { rules } = await backtest(opts());
  const cpu = rules.find((x) => x.rule === 'cpu_hot')!;
  expect(cpu.target).toBe(`${p}.*.*.cpu.percent`);
  expect(cpu.result!.intervals).toEqual([hot('web_1'), hot('web_2'), hot('web_3')]);
  expect(cpu.result!.fired).toBe(3);
  expect(cpu.pages).toBe(1);
  expect(rules.find((x) => x.rule === 'panics')!.skipped).toMatch(/cannot be backtested from Graphite/);
});

test("--config: the config's routes and aggregation count the pages, per receiver", async () => {
  // Beside the rules folder, not in it: the rules are every YAML file there.
  const cfg = path.join(dir, '..', `${path.basename(dir)}.lookout.yaml`);
  // No aggregation, and the containers' alerts also go to a webhook (a digest by host).
  fs.writeFileSync(
    cfg,
    `alerter:
  graphite: {url: '${GRAPHITE_URL}'}
notify:
  receivers:
    - {name: oncall, type: pagerduty, routing_key: {env: LKB_PD_KEY}}
    - {name: ops-hook, type: webhook, url: 'http://127.0.0.1:9/hook'}
  route:
    receiver: oncall
    routes:
      - {receiver: ops-hook, continue: true, match_re: {container: '.+'}}
      - {receiver: oncall, match_re: {container: '.+'}}
  aggregate: []
`,
  );
  process.env.LKB_PD_KEY = 'never-sent';
  onCleanup.push(() => fs.rmSync(cfg, { force: true }));
  const base = { from: String(T0 + 60), until: String(T0 + 400), prefix: p, config: cfg };
  const out = await backtestAction([dir], { ...base, rule: 'cpu_hot', maxPages: '2' });
  expect(out.out).toContain('cpu_hot: 3 page(s) (more than --max-pages 2), fired 3 time(s)');
  // One digest for the host's trigger, one for its resolve; three triggers and three resolves.
  expect(out.out).toContain('  ops-hook: 2 notification(s) (digest: it pages nobody)');
  expect(out.out).toContain('  oncall: 6 notification(s), 3 page(s)');
  expect(out.code).toBe(1);
});

test('--max-pages gates, --png writes a PNG from graphite-web', async () => {
  const png = path.join(dir, 'out.png');
  const base = { from: String(T0 + 60), until: String(T0 + 400), graphite: GRAPHITE_URL, prefix: p };
  const gated = await backtestAction([dir], { ...base, maxPages: '1', png });
  expect(gated.code).toBe(1);
  expect(gated.out).toContain(
    'checkout_slow: 2 page(s) (more than --max-pages 1), fired 2 time(s), firing 1m20s in 2 interval(s)',
  );
  expect(gated.out).toContain('panics: not backtested');
  expect(fs.readFileSync(png).subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  const ok = await backtestAction([dir], { ...base, maxPages: '2' });
  expect(ok.code).toBe(0);
});
