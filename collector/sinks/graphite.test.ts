import type { MetricSample } from '../../core/events';
import { carbonLines } from './graphite';

const c = { id: 'x', name: 'db', image: 'i', labels: {}, service: 'db' };
const s = (value: number, ts: number): MetricSample => ({
  kind: 'metric',
  host: 'h',
  ts,
  name: 'cpu.percent',
  value,
  type: 'gauge',
  container: c,
});

test("carbon plaintext: path value timestamp, with the sample's own time in seconds", () => {
  expect(carbonLines([s(12.5, 1_700_000_000_999), s(0, 1_700_000_001_000)], 'lookout', false)).toBe(
    'lookout.h.db.cpu.percent 12.5 1700000000\nlookout.h.db.cpu.percent 0 1700000001\n',
  );
});

test('NaN and infinities are not sent (carbon would store garbage)', () => {
  expect(carbonLines([s(NaN, 0), s(Infinity, 0), s(1, 0)], 'lookout', false)).toBe(
    'lookout.h.db.cpu.percent 1 0\n',
  );
});

test('tags', () => {
  expect(carbonLines([s(1, 2000)], 'lookout', true)).toBe(
    'lookout.cpu.percent;host=h;container=db;service=db 1 2\n',
  );
});
