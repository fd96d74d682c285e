import type { MetricSample } from '../../../core/events';
import { graphiteName } from '../names';
import { GraphitePaths } from './paths';

const container = (name: string, service = name) => ({ id: name, name, image: 'i', labels: {}, service });
const sample = (over: Partial<MetricSample>): MetricSample => ({
  kind: 'metric',
  host: 'web01',
  ts: 0,
  name: 'cpu.percent',
  value: 1,
  type: 'gauge',
  ...over,
});

/** Samples that share some parts of their key and differ in others. */
const samples = [
  sample({ container: container('api_1') }),
  sample({ container: container('api_1'), name: 'mem.usage_bytes' }),
  sample({ container: container('api_1', 'other') }), // same container name, another service
  sample({ host: 'web02', container: container('api_1') }),
  sample({ labels: { target: 'https://shop.example/health' }, name: 'probe.up' }),
  sample({ labels: { mount: '/var/lib/docker' }, name: 'fs.used_bytes' }),
  sample({ container: container('db.primary/1', 'db'), labels: { zone: 'eu;west' } }),
  sample({}),
];

test.each([
  ['plain', 'lookout', false, undefined],
  ['tagged', 'lookout', true, undefined],
  ['plain, no prefix', '', false, undefined],
  // Paths move between generations every few samples, the same container under two services too.
  ['plain, generations of 3', 'lookout', false, 3],
  ['tagged, generations of 3', 'lookout', true, 3],
])('%s: the cached name is always what graphiteName builds', (_w, prefix, tags, perGeneration) => {
  const paths = new GraphitePaths(prefix, tags, perGeneration);
  for (let round = 0; round < 3; round++)
    for (const s of samples) expect(paths.of(s)).toBe(graphiteName(s, prefix, tags));
});

test('the cache holds at most two generations and keeps answering right', () => {
  const paths = new GraphitePaths('lookout', false, 10);
  const many = Array.from({ length: 25 }, (_, i) => sample({ name: `m${i}` }));
  for (const s of many) expect(paths.of(s)).toBe(graphiteName(s, 'lookout', false));
  expect(paths.size).toBeLessThanOrEqual(20);
  expect(paths.size).toBeGreaterThan(0);
});

test.each([
  ['plain', false],
  ['tagged', true],
])('%s: churn past the bound forgets the names of gone containers, not the live ones', (_w, tags) => {
  const paths = new GraphitePaths('lookout', tags, 100);
  const live = ['api_1', 'db'].flatMap((c) =>
    ['cpu.percent', 'mem.usage_bytes'].map((name) => sample({ container: container(c), name })),
  );
  for (let i = 0; i < 10_000; i++) {
    // A CI runner each seen once, and the live series named every tenth runner (well within
    // a generation of 100 names).
    const runner = sample({ container: container(`ci_runner_${i}`) });
    expect(paths.of(runner)).toBe(graphiteName(runner, 'lookout', tags));
    if (i % 10 === 0) for (const s of live) expect(paths.of(s)).toBe(graphiteName(s, 'lookout', tags));
  }
  expect(paths.built).toBe(10_000 + live.length); // each live name built once, whatever the churn
  expect(paths.size).toBeLessThanOrEqual(200);
  // The first runner's name was forgotten: built again, and right.
  const back = sample({ container: container('ci_runner_0') });
  expect(paths.of(back)).toBe(graphiteName(back, 'lookout', tags));
  expect(paths.built).toBe(10_000 + live.length + 1);
});
