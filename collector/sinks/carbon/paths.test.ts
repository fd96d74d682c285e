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
  ['plain', 'lookout', false],
  ['tagged', 'lookout', true],
  ['plain, no prefix', '', false],
])('%s: the cached name is always what graphiteName builds', (_w, prefix, tags) => {
  const paths = new GraphitePaths(prefix, tags);
  for (let round = 0; round < 3; round++)
    for (const s of samples) expect(paths.of(s)).toBe(graphiteName(s, prefix, tags));
});

test('the cache starts over at its bound and keeps answering right', () => {
  const paths = new GraphitePaths('lookout', false, 10);
  const many = Array.from({ length: 25 }, (_, i) => sample({ name: `m${i}` }));
  for (const s of many) expect(paths.of(s)).toBe(graphiteName(s, 'lookout', false));
  expect(paths.size).toBeLessThanOrEqual(10);
  expect(paths.size).toBeGreaterThan(0);
});
