/**
 * The StatsD sink packs a batch into whole datagrams (collector/sinks/statsd-datagrams.ts): one
 * batch of hundreds of series, written at once (so within one StatsD flush), must reach the real
 * Etsy StatsD daemon and then Graphite entirely, with every name and value intact. A line split
 * between two datagrams would show as a missing series here (and a stray one outside the prefix).
 */
import { createSink } from '../../collector/sinks/registry';
import { statsdSinkSchema } from '../../collector/sinks/config';
import { StatsdDatagrams } from '../../collector/sinks/statsd-datagrams';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { systemClock } from '../../core/clock';
import { waitFor } from '../support/docker';
import { container, sample } from './fixtures';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const STATSD = `${process.env.STATSD_HOST ?? '127.0.0.1'}:${process.env.STATSD_PORT ?? 8125}`;
const run = `lkb${process.pid}x${Date.now().toString(36)}`;
const GAUGES = 600;
const COUNTERS = 60;

type Series = Array<{ target: string; datapoints: Array<[number | null, number]> }>;

async function render(target: string): Promise<Series> {
  const url = `${GRAPHITE_URL}/render?target=${encodeURIComponent(target)}&format=json&from=-10min`;
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`graphite-web ${res.status} for ${url}`);
  return (await res.json()) as Series;
}

/** Each series' non-null values, by the last segment before the metric's own suffix. */
function valuesBySeries(series: Series, at: number): Map<string, number[]> {
  return new Map(
    series.map((s) => [
      s.target.split('.')[at]!,
      s.datapoints.map((d) => d[0]).filter((v): v is number => v !== null),
    ]),
  );
}

test('one batch of 660 series in one write: every gauge and increment reaches Graphite through the real StatsD', async () => {
  const c = container(run);
  const sink = createSink(statsdSinkSchema.parse({ type: 'statsd', address: STATSD }), {
    logger: silentLogger(),
    clock: systemClock,
    deadLetter: { write() {} },
  });
  const now = Date.now();
  const gauges = Array.from({ length: GAUGES }, (_, i) => sample(c, `g${i}.v`, i * 1.25, now));
  const totals = (add: number): MetricSample[] =>
    Array.from({ length: COUNTERS }, (_, i) => ({
      ...sample(c, `c${i}.v`, 1000 * i + add, now),
      type: 'counter',
    }));
  // The batch spans many datagrams of the default size: the cut between them is what is tested.
  const datagrams = new StatsdDatagrams('lookout', false).encode([...gauges, ...totals(0)]);
  expect(datagrams.length).toBeGreaterThan(15);
  try {
    await sink.write([...gauges, ...totals(0)], AbortSignal.timeout(10_000)); // the counters' baselines
    await sink.write([...gauges, ...totals(7)], AbortSignal.timeout(10_000)); // each counter grew by 7
    const g = await waitFor(
      `${GAUGES} gauges in graphite`,
      async () => {
        const byName = valuesBySeries(await render(`stats.gauges.lookout.testhost.${run}.g*.v`), 5);
        return byName.size >= GAUGES && byName;
      },
      90_000,
      500,
    );
    expect(g.size).toBe(GAUGES);
    for (let i = 0; i < GAUGES; i++) expect(g.get(`g${i}`)).toContain(i * 1.25);
    const counts = await waitFor(
      `${COUNTERS} counters in graphite`,
      async () => {
        const byName = valuesBySeries(await render(`stats.counters.lookout.testhost.${run}.c*.v.count`), 5);
        const moved = [...byName.values()].filter((v) => v.some((x) => x > 0)).length;
        return moved >= COUNTERS && byName;
      },
      90_000,
      500,
    );
    expect(counts.size).toBe(COUNTERS);
    // The baseline sends nothing, the second total an increment of 7: a flush shows 7, never more.
    for (const v of counts.values()) expect(v.filter((x) => x > 0)).toEqual([7]);
  } finally {
    await sink.close();
  }
});

test('a negative gauge reaches Graphite as its value, write after write (StatsD reads a signed gauge as a delta)', async () => {
  const c = container(`${run}n`);
  const sink = createSink(statsdSinkSchema.parse({ type: 'statsd', address: STATSD }), {
    logger: silentLogger(),
    clock: systemClock,
    deadLetter: { write() {} },
  });
  try {
    // Sent as is, the second write would take the gauge from -5 to -10.
    for (let i = 0; i < 3; i++)
      await sink.write([sample(c, 'offset.v', -5, Date.now())], AbortSignal.timeout(10_000));
    const values = await waitFor(
      'the negative gauge in graphite',
      async () => {
        const v = valuesBySeries(await render(`stats.gauges.lookout.testhost.${run}n.offset.v`), 5).get(
          'offset',
        );
        return v && v.length > 0 ? v : undefined;
      },
      90_000,
      500,
    );
    expect(new Set(values)).toEqual(new Set([-5]));
  } finally {
    await sink.close();
  }
});
