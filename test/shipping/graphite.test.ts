/**
 * Metrics into the real Graphite of the CI machine (carbon-cache, graphite-web, Etsy statsd;
 * see /work/shared/SERVICES.md): by StatsD (hot-shots) and by carbon plaintext with the
 * sample's own timestamp, read back through graphite-web's /render?format=json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryBus } from '../../core/bus/memory';
import { StateStore } from '../../core/store/store';
import { systemClock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import { createDelivery } from '../../collector/delivery/delivery';
import { graphiteSinkSchema, statsdSinkSchema } from '../../collector/sinks/config';
import { createSink } from '../../collector/sinks/registry';
import { waitFor } from '../support/docker';
import { container, sample, sinkDeps, testDelivery } from './fixtures';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const STATSD = `${process.env.STATSD_HOST ?? '127.0.0.1'}:${process.env.STATSD_PORT ?? 8125}`;
const CARBON = `${process.env.CARBON_HOST ?? '127.0.0.1'}:${process.env.CARBON_PORT ?? 2003}`;
const run = `lk${process.pid}x${Date.now().toString(36)}`;
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-graphite-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Series = Array<{
  target: string;
  tags?: Record<string, string>;
  datapoints: Array<[number | null, number]>;
}>;

async function render(target: string, from = '-10min', until = 'now'): Promise<Series> {
  const url = `${GRAPHITE_URL}/render?target=${encodeURIComponent(target)}&format=json&from=${from}&until=${until}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`graphite-web ${res.status} for ${url}`);
  return (await res.json()) as Series;
}

function values(s: Series): number[] {
  return s.flatMap((x) => x.datapoints.map((d) => d[0]).filter((v): v is number => v !== null));
}

function shipper(config: unknown) {
  const store = StateStore.open(path.join(dir, `${Math.random().toString(36).slice(2)}.db`));
  const dconf = testDelivery({ dead_letter_dir: dir });
  const deps = sinkDeps(store, dconf);
  const parsed =
    (config as { type: string }).type === 'statsd'
      ? statsdSinkSchema.parse(config)
      : graphiteSinkSchema.parse(config);
  const sink = createSink(parsed, deps);
  const bus = new MemoryBus();
  const delivery = createDelivery({
    sinks: [sink],
    bus,
    store,
    logger: deps.logger,
    clock: systemClock,
    config: dconf,
    deadLetter: deps.deadLetter,
  });
  return {
    async send(samples: MetricSample[]) {
      await (
        await bus.publish('metric', samples)
      ).done;
    },
    async close() {
      await delivery.close();
      await bus.close();
      store.close();
    },
  };
}

test('StatsD: gauges and counters arrive as stats.gauges.lookout.<host>.<container>.<metric> with their values', async () => {
  const c = container(`${run}.web 1`); // dots and spaces in the name are sanitised to one segment
  const seg = `${run}_web_1`;
  const s = shipper({ type: 'statsd', address: STATSD });
  let rx = 1000;
  // StatsD flushes every second; keep the series alive until graphite-web shows them.
  const timer = setInterval(() => {
    rx += 500;
    const now = Date.now();
    void s.send([
      sample(c, 'cpu.percent', 42.5, now),
      sample(c, 'mem.usage_bytes', 123456, now),
      { ...sample(c, 'net.rx_bytes', rx, now), type: 'counter' },
    ]);
  }, 300);
  try {
    const cpu = await waitFor('cpu gauge in graphite', async () => {
      const v = values(await render(`stats.gauges.lookout.testhost.${seg}.cpu.percent`));
      return v.length > 0 && v;
    });
    expect(cpu).toContain(42.5);
    const mem = await waitFor('memory gauge in graphite', async () => {
      const v = values(await render(`stats.gauges.lookout.testhost.${seg}.mem.usage_bytes`));
      return v.length > 0 && v;
    });
    expect(mem).toContain(123456);
    // A running total of 500 more every 300 ms becomes StatsD increments of 500.
    const counts = await waitFor('counter in graphite', async () => {
      const v = values(await render(`stats.counters.lookout.testhost.${seg}.net.rx_bytes.count`)).filter(
        (x) => x > 0,
      );
      return v.length > 0 && v;
    });
    for (const v of counts) expect(v % 500).toBe(0);
  } finally {
    clearInterval(timer);
    await s.close();
  }
});

test('StatsD with Graphite 1.1 tags: name;host=..;container=.. reaches carbon as a tagged series', async () => {
  const c = container(`${run}-tagged`);
  const s = shipper({ type: 'statsd', address: STATSD, tags: true, prefix: 'lookout' });
  const timer = setInterval(() => void s.send([sample(c, 'cpu.percent', 17, Date.now())]), 300);
  try {
    const got = await waitFor('tagged series', async () => {
      const series = await render(
        `seriesByTag('name=stats.gauges.lookout.cpu.percent','container=${run}-tagged')`,
      );
      return values(series).length > 0 && series;
    });
    expect(got[0]!.tags).toMatchObject({
      host: 'testhost',
      container: `${run}-tagged`,
      service: `${run}-tagged`,
    });
    expect(values(got)).toContain(17);
  } finally {
    clearInterval(timer);
    await s.close();
  }
});

test("carbon direct: points land at the sample's own time (backfill 10 minutes back), plain and tagged", async () => {
  const c = container(`${run}-db`);
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
  const plain = shipper({ type: 'graphite', address: CARBON });
  const tagged = shipper({ type: 'graphite', address: CARBON, tags: true, prefix: 'lookout_t' });
  try {
    const batch = [
      sample(c, 'cpu.percent', 11.5, t0),
      sample(c, 'cpu.percent', 22.25, t0 + 1000),
      sample(c, 'mem.usage_bytes', 4096, t0 + 2000),
    ];
    await plain.send(batch);
    await tagged.send(batch);
    const want = (series: Series, ts: number) => series[0]?.datapoints.find((d) => d[1] === ts / 1000)?.[0];
    const from = String(Math.floor(t0 / 1000) - 60);
    const until = String(Math.floor(t0 / 1000) + 60);
    const cpu = await waitFor('backfilled cpu points', async () => {
      const s = await render(`lookout.testhost.${run}-db.cpu.percent`, from, until);
      return want(s, t0 + 1000) !== undefined && want(s, t0 + 1000) !== null && s;
    });
    expect(want(cpu, t0)).toBe(11.5);
    expect(want(cpu, t0 + 1000)).toBe(22.25);
    const mem = await waitFor('backfilled memory point', async () => {
      const s = await render(`lookout.testhost.${run}-db.mem.usage_bytes`, from, until);
      return typeof want(s, t0 + 2000) === 'number' && s;
    });
    expect(want(mem, t0 + 2000)).toBe(4096);
    const tag = await waitFor('backfilled tagged point', async () => {
      const s = await render(`seriesByTag('name=lookout_t.cpu.percent','container=${run}-db')`, from, until);
      return typeof want(s, t0 + 1000) === 'number' && s;
    });
    expect(want(tag, t0)).toBe(11.5);
    expect(tag[0]!.tags).toMatchObject({ host: 'testhost', container: `${run}-db` });
  } finally {
    await plain.close();
    await tagged.close();
  }
});
