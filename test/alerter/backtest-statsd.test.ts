/**
 * `lookout backtest --via statsd` on the real Graphite (issue 14): collector metrics in the
 * naming the StatsD daemon gives them (stats.gauges.<prefix>..., counters as per-flush
 * increments under stats.counters.<prefix>....count), first backfilled with carbon in exactly
 * that shape for known intervals, then sent live through lookout's StatsD sink and the real
 * StatsD daemon, which is what decides the shape in production.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { backtest } from '../../alerter/backtest/backtest';
import { statsdSinkSchema } from '../../collector/sinks/config';
import { createSink } from '../../collector/sinks/registry';
import { StateStore } from '../../core/store/store';
import { newRunId, waitFor } from '../support/docker';
import { container, sample, sinkDeps, testDelivery } from '../shipping/fixtures';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};
const STATSD = `${process.env.STATSD_HOST ?? '127.0.0.1'}:${process.env.STATSD_PORT ?? 8125}`;
const p = newRunId('lks');
const T0 = Math.floor(Date.now() / 1000 / 60) * 60 - 3 * 3600; // seconds, 3 h ago
const at = (s: number): number => (T0 + s) * 1000;

const carbon = (lines: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines.join('\n') + '\n'));
    s.on('close', () => resolve());
    s.on('error', reject);
  });

type Series = Array<{ target: string; datapoints: Array<[number | null, number]> }>;

async function render(target: string, from: string, until: string): Promise<Series> {
  const q = `target=${encodeURIComponent(target)}&format=json&from=${from}&until=${until}`;
  const res = await fetch(`${GRAPHITE_URL}/render?${q}`, { signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as Series;
}

const points = (s: Series): Array<[number, number]> =>
  s.flatMap((x) => x.datapoints.filter((d): d is [number, number] => d[0] !== null));

const RULES = `rules:
  - name: cpu_hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 10s
    threshold: 80
    summary: hot
  - name: rx_errors_high
    kind: threshold
    metric: net.rx_errors
    reduce: rate
    window: 10s
    threshold: 4
    summary: errors
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtest-statsd-'));
  fs.writeFileSync(path.join(dir, 'r.yaml'), RULES);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a backfilled StatsD-shaped history: gauges and summed-up counters, exact intervals', async () => {
  const prefix = `${p}b`;
  const lines: string[] = [];
  for (let s = 0; s < 400; s++) {
    const hot = s >= 200 && s < 260;
    lines.push(`stats.gauges.${prefix}.h2.db_1.cpu.percent ${hot ? 95 : 10} ${T0 + s}`);
    // 10 errors per 1 s flush while hot: 10/s over the 10 s window.
    lines.push(`stats.counters.${prefix}.h2.db_1.net.rx_errors.count ${hot ? 10 : 0} ${T0 + s}`);
  }
  await carbon(lines);
  await waitFor(
    'the backfill readable from graphite-web',
    async () => points(await render(`stats.*.${prefix}.*.*.*.*`, `${T0 - 60}`, `${T0 + 460}`)).length === 400,
    60_000,
    500,
  );
  await waitFor(
    'the counter backfill readable',
    async () =>
      points(await render(`stats.*.${prefix}.*.*.*.*.count`, `${T0 - 60}`, `${T0 + 460}`)).length === 400,
    60_000,
    500,
  );
  const { rules } = await backtest({
    rules: [dir],
    from: at(60),
    until: at(380),
    graphiteUrl: GRAPHITE_URL,
    prefix,
    via: 'statsd',
  });
  const labels = { host: 'h2', container: 'db_1', service: 'db_1' };
  const cpu = rules.find((r) => r.rule === 'cpu_hot')!;
  expect(cpu.target).toBe(`stats.gauges.${prefix}.*.*.cpu.percent`);
  expect(cpu.result!.intervals).toEqual([
    { state: 'firing', labels, start: at(200), end: at(269), peak: 95 },
  ]);
  const rx = rules.find((r) => r.rule === 'rx_errors_high')!;
  expect(rx.target).toBe(`integral(stats.counters.${prefix}.*.*.net.rx_errors.count)`);
  expect(rx.result!.intervals).toEqual([
    // The increase over (now - 10 s, now] passes 40 (4/s) with the fifth hot flush, and falls
    // back to 40 when only four hot flushes are left in the window.
    { state: 'firing', labels, start: at(204), end: at(265), peak: 10 },
  ]);
  expect(rx.pages).toBe(1);
});

test("through lookout's StatsD sink and the real StatsD daemon: the backtest reads what they wrote", async () => {
  const prefix = `${p}l`;
  const store = StateStore.open(':memory:');
  const sink = createSink(
    statsdSinkSchema.parse({ type: 'statsd', address: STATSD, prefix }),
    sinkDeps(store, testDelivery({ dead_letter_dir: dir })),
  );
  const c = container('api_1');
  const started = Date.now();
  let errors = 0;
  let hot = true;
  // StatsD flushes every second and repeats a gauge's last value: hot for a while, then cool.
  const send = async () => {
    errors += hot ? 20 : 0;
    const now = Date.now();
    const batch = [
      sample(c, 'cpu.percent', hot ? 95 : 10, now),
      { ...sample(c, 'net.rx_errors', errors, now), type: 'counter' as const },
    ];
    await sink.write(batch, AbortSignal.timeout(10_000));
  };
  try {
    await send();
    const cooled = await waitFor(
      'a hot then a cool point in graphite',
      async () => {
        await send();
        if (Date.now() - started > 6_000) hot = false;
        const cpu = points(await render(`stats.gauges.${prefix}.testhost.api_1.cpu.percent`, '-5min', 'now'));
        const i = cpu.findIndex((d) => d[0] === 95);
        // Cool for longer than the window, so the alert resolves within the replay.
        return i >= 0 && cpu.slice(i).filter((d) => d[0] === 10).length >= 12 && Date.now();
      },
      90_000,
      300,
    );
    const { rules } = await backtest({
      rules: [dir],
      from: started - 60_000,
      until: cooled,
      graphiteUrl: GRAPHITE_URL,
      prefix,
      via: 'statsd',
    });
    const labels = { host: 'testhost', container: 'api_1', service: 'api_1' };
    for (const name of ['cpu_hot', 'rx_errors_high']) {
      const r = rules.find((x) => x.rule === name)!;
      expect(
        r.result!.intervals.map((x) => ({ state: x.state, labels: x.labels, resolved: x.end !== undefined })),
      ).toEqual([{ state: 'firing', labels, resolved: true }]);
      expect(r.pages).toBe(1);
    }
  } finally {
    await sink.close();
    store.close();
  }
});
