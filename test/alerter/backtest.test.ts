/**
 * `lookout backtest` on the real carbon + graphite-web (issue 14): a history backfilled with
 * carbon, 3 h in the past (the test Graphite keeps 1 s points for 6 h), with known stretches
 * over the thresholds; the exact intervals, pages and time firing come back, the page budget
 * gates, and graphite-web draws the PNG.
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
    lines.push(`${p}.h1.web_1.cpu.percent ${s >= 200 && s < 260 ? 95 : 10} ${T0 + s}`);
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
    async () => (await rendered(`${p}.*.*.cpu.percent`)) === 600,
    60_000,
    500,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const opts = () => ({ rules: [dir], from: at(60), until: at(400), graphiteUrl: GRAPHITE_URL, prefix: p });

test('replays a Graphite-target rule: exact pending and firing intervals, peaks, pages, time firing', async () => {
  const [r] = await backtest({ ...opts(), rule: 'checkout_slow' });
  const web = { series: `${p}.lat.web`, service: 'web' };
  expect(r!.result!.intervals).toEqual([
    { state: 'pending', labels: web, start: at(120), end: at(125), peak: 900 },
    { state: 'firing', labels: web, start: at(125), end: at(180), peak: 900 },
    { state: 'pending', labels: web, start: at(300), end: at(305), peak: 900 },
    { state: 'firing', labels: web, start: at(305), end: at(330), peak: 900 },
  ]);
  expect(r!.result!.fired).toBe(2);
  expect(r!.result!.firingMs).toBe(80_000);
});

test('replays a collector-metric rule from what the carbon sink wrote, and says why a log rule cannot be', async () => {
  const results = await backtest(opts());
  const cpu = results.find((x) => x.rule === 'cpu_hot')!;
  expect(cpu.target).toBe(`${p}.*.*.cpu.percent`);
  expect(cpu.result!.intervals).toEqual([
    {
      state: 'firing',
      labels: { host: 'h1', container: 'web_1', service: 'web_1' },
      start: at(200),
      // The last hot point (259 s) leaves the 10 s window (now - 10 s, now] at 269 s.
      end: at(269),
      peak: 95,
    },
  ]);
  expect(results.find((x) => x.rule === 'panics')!.skipped).toMatch(/cannot be backtested from Graphite/);
});

test('--max-pages gates, --png writes a PNG from graphite-web', async () => {
  const png = path.join(dir, 'out.png');
  const base = { from: String(T0 + 60), until: String(T0 + 400), graphite: GRAPHITE_URL, prefix: p };
  const gated = await backtestAction([dir], { ...base, maxPages: '1', png });
  expect(gated.code).toBe(1);
  expect(gated.out).toContain(
    'checkout_slow: 2 page(s) (more than --max-pages 1), firing 1m20s in 2 interval(s)',
  );
  expect(gated.out).toContain('panics: not backtested');
  expect(fs.readFileSync(png).subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  const ok = await backtestAction([dir], { ...base, maxPages: '2' });
  expect(ok.code).toBe(0);
});
