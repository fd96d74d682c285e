import { StatsD } from 'hot-shots';
import { ManualClock } from '../../core/clock';
import type { LookoutEvent, MetricSample } from '../../core/events';
import { graphiteName } from './names';
import { DEFAULT_TOTALS_GENERATION_MS, StatsdDatagrams } from './statsd-datagrams';

const container = (name: string, service = name) => ({ id: name, name, image: 'i', labels: {}, service });

function sample(over: Partial<MetricSample>): MetricSample {
  return {
    kind: 'metric',
    host: 'web01',
    ts: 1_700_000_000_999,
    name: 'cpu.percent',
    value: 1,
    type: 'gauge',
    ...over,
  };
}

/**
 * What the sink sent before issue 16: hot-shots' gauge() and increment() per sample (mock mode keeps
 * the text), plus the `:0|g` a negative gauge needs first (StatsD reads a signed gauge as a delta).
 */
function throughHotShots(batches: LookoutEvent[][], prefix: string, tags: boolean): string[] {
  const client = new StatsD({ mock: true });
  const totals = new Map<string, number>();
  for (const e of batches.flat()) {
    if (e.kind !== 'metric' || !Number.isFinite(e.value)) continue;
    const key = graphiteName(e, prefix, tags);
    if (e.type === 'gauge') {
      if (e.value < 0) client.gauge(key, 0);
      client.gauge(key, e.value);
      continue;
    }
    const prev = totals.get(key);
    totals.set(key, e.value);
    const delta = prev === undefined ? 0 : e.value >= prev ? e.value - prev : e.value;
    if (prev !== undefined && delta !== 0) client.increment(key, delta);
  }
  return client.mockBuffer ?? [];
}

function lines(datagrams: Buffer[]): string[] {
  return datagrams.flatMap((d) => d.toString('utf8').split('\n'));
}

const values = [0, -0, 7, -7, 99, 100, 12.5, -0.25, 1 / 3, 1e21, 1e-7, 2 ** 53, Number.MAX_VALUE];
const odd = { ...container('api:1|x', 'svc\nnew'), name: 'api:1|x' };

function batches(): LookoutEvent[][] {
  const gauges = values.map((value, i) =>
    sample({ value, container: i % 2 ? container('web 1.a') : odd, name: `m${i}.x` }),
  );
  const totals = [100, 100, 250, 40, 0, 0, 1e6].map((value) =>
    sample({ value, type: 'counter', container: container('db'), name: 'net.rx_bytes' }),
  );
  const probe = sample({ container: undefined, labels: { target: 'https://shop:8443/a|b' }, value: 3 });
  const skipped: LookoutEvent[] = [sample({ value: NaN }), sample({ value: Infinity })];
  return [
    [...gauges, ...totals.slice(0, 3)],
    [...totals.slice(3), probe, ...skipped],
  ];
}

describe('StatsdDatagrams', () => {
  it.each([
    ['plain names', 'lookout', false],
    ['Graphite 1.1 tags', 'lookout', true],
    ['no prefix', '', false],
  ])('writes the lines hot-shots wrote for gauge() and increment(), %s', (_, prefix, tags) => {
    const encoder = new StatsdDatagrams(prefix, tags);
    const got = batches().flatMap((b) => lines(encoder.encode(b)));
    expect(got).toEqual(throughHotShots(batches(), prefix, tags));
    expect(got.length).toBeGreaterThan(values.length);
  });

  it('cuts datagrams at whole lines, none over the limit, every line once and in order', () => {
    const many = Array.from({ length: 500 }, (_, i) => sample({ name: `series${i}.bytes`, value: i * 1.5 }));
    const want = throughHotShots([many], 'lookout', false);
    for (const limit of [64, 100, 1432, 8932]) {
      const datagrams = new StatsdDatagrams('lookout', false, { maxDatagramBytes: limit }).encode(many);
      for (const d of datagrams) expect(d.length).toBeLessThanOrEqual(limit);
      expect(lines(datagrams)).toEqual(want);
      // Packed: adding the next datagram's first line would have gone over the limit.
      datagrams.slice(1).forEach((d, i) => {
        const firstLine = d.toString().split('\n')[0]!;
        expect(datagrams[i]!.length + 1 + Buffer.byteLength(firstLine)).toBeGreaterThan(limit);
      });
    }
  });

  it('sends a line longer than the limit alone, whole', () => {
    const long = sample({ container: container('x'.repeat(200)) });
    const datagrams = new StatsdDatagrams('lookout', false, { maxDatagramBytes: 64 }).encode([
      sample({}),
      long,
      sample({}),
    ]);
    expect(datagrams.map((d) => d.toString())).toEqual([
      'lookout.web01._host.cpu.percent:1|g',
      `lookout.web01.${'x'.repeat(200)}.cpu.percent:1|g`,
      'lookout.web01._host.cpu.percent:1|g',
    ]);
  });

  it('grows its pool for a big batch and keeps the datagrams written before the growth', () => {
    const many = Array.from({ length: 2000 }, (_, i) => sample({ name: `s${i}`, value: i }));
    const datagrams = new StatsdDatagrams('lookout', false, { initialBytes: 256 }).encode(many);
    expect(lines(datagrams)).toEqual(throughHotShots([many], 'lookout', false));
  });

  it('sends nothing for a batch of unmoved counters, logs and non-finite values', () => {
    const encoder = new StatsdDatagrams('lookout', false);
    const total = sample({ type: 'counter', value: 10 });
    expect(encoder.encode([total, total, sample({ value: NaN })])).toEqual([]);
    expect(encoder.countersKnown).toBe(1);
  });
});

test('a negative gauge is set, not subtracted: a zero line first, in the same datagram', () => {
  const enc = new StatsdDatagrams('lookout', false, { maxDatagramBytes: 64 });
  const c = container('probe');
  const out = enc.encode([
    sample({ container: c, name: 'filler.a', value: 1 }),
    sample({ container: c, name: 'clock.offset', value: -5 }),
  ]);
  const withNegative = out.map((d) => d.toString('utf8')).find((d) => d.includes(':-5|g'));
  expect(withNegative).toBe('lookout.web01.probe.clock.offset:0|g\nlookout.web01.probe.clock.offset:-5|g');
});

describe('counter totals under container churn', () => {
  const HOUR = DEFAULT_TOTALS_GENERATION_MS;
  const total = (name: string, value: number) =>
    sample({ type: 'counter', container: container(name), name: 'net.rx_bytes', value });
  const text = (datagrams: Buffer[]) => lines(datagrams).sort();
  const line = (name: string, delta: number) => `lookout.web01.${name}.net.rx_bytes:${delta}|c`;

  /** Containers that report every 10 s, as the stats source does, each total 7 more than the last. */
  function liveFleet(enc: StatsdDatagrams, clock: ManualClock, names: string[]) {
    let value = 1000;
    return {
      /** One collection round; returns what was sent. */
      report(): string[] {
        value += 7;
        return text(enc.encode(names.map((n) => total(n, value))));
      },
      /** Rounds every 10 s for `ms`, each of which must send exactly the 7 each series grew by. */
      runFor(ms: number): void {
        for (let t = 0; t < ms; t += 10_000) {
          clock.advance(10_000);
          expect(this.report()).toEqual(names.map((n) => line(n, 7)).sort());
        }
      },
    };
  }

  it('forgets 10 000 containers seen once, and never the baseline of one that keeps reporting', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const enc = new StatsdDatagrams('lookout', false, { clock });
    const live = ['api_1', 'api_2', 'db'];
    const fleet = liveFleet(enc, clock, live);
    expect(fleet.report()).toEqual([]); // baselines only
    const gone = Array.from({ length: 10_000 }, (_, i) => total(`ci_runner_${i}`, 5000 + i));
    expect(enc.encode(gone)).toEqual([]);
    expect(enc.countersKnown).toBe(10_000 + live.length);

    // Five generations: the churned series go after two, the live ones keep every increment.
    fleet.runFor(5 * HOUR);
    expect(enc.countersKnown).toBe(live.length);
  });

  it('a series back after a silence keeps its baseline if it was seen in the last generation, else starts anew', () => {
    const clock = new ManualClock(0);
    const enc = new StatsdDatagrams('lookout', false, { clock });
    const fleet = liveFleet(enc, clock, ['api_1']);
    fleet.report();
    expect(enc.encode([total('backup', 100), total('backup', 160)]).map(String)).toEqual([
      line('backup', 60),
    ]);

    // Silent 1 h 50 min, across one rotation: still known, and moved to the current generation.
    fleet.runFor(HOUR + 50 * 60_000);
    expect(text(enc.encode([total('backup', 190)]))).toEqual([line('backup', 30)]);
    fleet.runFor(HOUR);
    expect(text(enc.encode([total('backup', 191)]))).toEqual([line('backup', 1)]);

    fleet.runFor(2 * HOUR + 10_000); // silent for two whole generations
    expect(enc.countersKnown).toBe(1);
    // Remembered, 500 would have sent 309: the growth over an unknown gap, perhaps across a restart.
    expect(enc.encode([total('backup', 500)])).toEqual([]);
    clock.advance(10_000);
    expect(text(enc.encode([total('backup', 530)]))).toEqual([line('backup', 30)]);
  });

  it('a clock stepped back a day forgets no sooner, and still forgets', () => {
    const clock = new ManualClock(10 * 24 * HOUR);
    const enc = new StatsdDatagrams('lookout', false, { clock });
    const fleet = liveFleet(enc, clock, ['api_1', 'db']);
    fleet.report();
    enc.encode([total('gone', 1)]);
    clock.advance(-24 * HOUR);
    fleet.runFor(HOUR - 20_000); // no rotation yet: a stepped-back clock must not rotate at once
    enc.encode([total('cron', 100)]);
    fleet.runFor(HOUR - 20_000); // one rotation since the step: cron and gone are still there
    expect(enc.countersKnown).toBe(4);
    expect(text(enc.encode([total('cron', 110)]))).toEqual([line('cron', 10)]);
    fleet.runFor(2 * HOUR);
    expect(enc.countersKnown).toBe(2);
  });
});
