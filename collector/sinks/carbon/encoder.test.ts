import type { LookoutEvent, MetricSample } from '../../../core/events';
import { carbonLines } from '../graphite';
import { CarbonEncoder } from './encoder';

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

/** Values whose text form is easy to get wrong by hand: signs, zero, fractions, exponents, bounds. */
const values = [
  0,
  -0,
  7,
  -7,
  10,
  99,
  100,
  12.5,
  -0.25,
  1 / 3,
  1e21,
  1e-7,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 53,
  2 ** 60,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  NaN,
  Infinity,
  -Infinity,
  123456789012,
];
const timestamps = [0, 999, 1000, -1, -1500, 1_700_000_000_999, 4_102_444_800_000, NaN];

const samples: LookoutEvent[] = [
  ...values.map((value, i) => sample({ value, container: container(`api_${i % 3}`) })),
  ...timestamps.map((ts) => sample({ ts, value: 2 })),
  sample({ host: 'web01.example.com', container: container('db.primary/1', 'db') }),
  sample({ name: 'fs.used bytes', labels: { mount: '/var/lib/docker' } }),
  sample({ labels: { target: 'https://shop.example/health' }, name: 'probe.up' }),
  sample({ container: container('café', 'sérvice'), labels: { zone: 'eu west;1' } }),
  sample({ container: container('api_1', 'other') }), // same name as before, another service
  { kind: 'heartbeat', host: 'web01', ts: 0, containers: [] } as unknown as LookoutEvent,
];

describe.each([
  ['plain paths', 'lookout', false],
  ['tagged names', 'lookout', true],
  ['no prefix', '', false],
])('CarbonEncoder with %s', (_what, prefix, tags) => {
  it('writes byte for byte what carbonLines builds, batch after batch', () => {
    const encoder = new CarbonEncoder(prefix, tags, 16); // tiny pool: growth is exercised too
    for (let round = 0; round < 3; round++) {
      const want = Buffer.from(carbonLines(samples, prefix, tags), 'utf8');
      expect(encoder.encode(samples).equals(want)).toBe(true);
    }
  });
});

test('the pool is reused between batches and replaced after abandon', () => {
  const encoder = new CarbonEncoder('lookout', false);
  const a = encoder.encode([sample({ value: 1 })]);
  const b = encoder.encode([sample({ value: 2 })]);
  expect(b.buffer).toBe(a.buffer);
  encoder.abandon();
  const c = encoder.encode([sample({ value: 3 })]);
  expect(c.buffer).not.toBe(b.buffer);
  expect(b.toString()).toBe('lookout.web01._host.cpu.percent 2 1700000000\n');
  expect(c.toString()).toBe('lookout.web01._host.cpu.percent 3 1700000000\n');
});

test('an empty or metric-free batch encodes to no bytes', () => {
  const encoder = new CarbonEncoder('lookout', false);
  expect(encoder.encode([]).length).toBe(0);
  expect(encoder.encode([sample({ value: NaN })]).length).toBe(0);
});

test('past the cache bound the paths stay correct', () => {
  const encoder = new CarbonEncoder('lookout', false);
  const many = Array.from({ length: 25_000 }, (_, i) => sample({ name: `m${i}` }));
  expect(encoder.encode(many).toString()).toBe(carbonLines(many, 'lookout', false));
  expect(encoder.encode(many).toString()).toBe(carbonLines(many, 'lookout', false));
});

test('random doubles over many magnitudes come out as carbonLines writes them', () => {
  let seed = 42;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1; // [-1, 1), repeatable
  const many = Array.from({ length: 20_000 }, (_, i) =>
    sample({ value: next() * 10 ** ((i % 40) - 12), ts: 1_700_000_000_000 + i * 1_000.5 }),
  );
  const encoder = new CarbonEncoder('lookout', false);
  expect(encoder.encode(many).toString('latin1')).toBe(carbonLines(many, 'lookout', false));
});
