import type { MetricSample } from '../../core/events';
import { chunk, settle, takeBatch, type Entry } from './batch';

const ev = (n: number): MetricSample[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'metric',
    host: 'h',
    ts: i,
    name: 'x',
    value: i,
    type: 'gauge',
  }));
function entry(n: number): Entry & { done: boolean } {
  const e = {
    events: ev(n),
    bytes: n * 100,
    taken: 0,
    settled: 0,
    done: false,
    resolve: () => (e.done = true),
  };
  return e;
}

test.each([
  ['entries are joined, the last one split to fill the batch', [3, 4, 5], 10, 1e9, [10, 2]],
  ['a large entry is split at the count limit', [25], 10, 1e9, [10, 10, 5]],
  ['the byte limit cuts too (100 bytes an event)', [6], 100, 350, [3, 3]],
  ['one event over the byte limit still goes alone', [2], 100, 50, [1, 1]],
])('takeBatch: %s', (_w, sizes, maxEvents, maxBytes, want) => {
  const q = sizes.map(entry);
  const got: number[] = [];
  while (q.length > 0) got.push(takeBatch(q, maxEvents, maxBytes, () => 100).events.length);
  expect(got).toEqual(want);
});

test('a head batch that is a whole write is handed on without a copy; one that is not is copied', () => {
  const whole = entry(10);
  const split = entry(25);
  const q = [whole, split];
  const a = takeBatch(q, 10, 1e9, () => 100);
  expect(a.events).toBe(whole.events);
  expect(a.parts).toEqual([{ entry: whole, count: 10 }]);
  expect(a.bytes).toBe(1000);
  const b = takeBatch(q, 10, 1e9, () => 100);
  expect(b.events).not.toBe(split.events);
  expect(b.events).toEqual(split.events.slice(0, 10));
  const alone = entry(3);
  expect(takeBatch([alone], 10, 1e9, () => 100).events).toBe(alone.events);
  // Over the byte limit, a batch within the count limit is split too.
  const big = entry(4);
  const c = takeBatch([big], 10, 250, () => 100);
  expect(c.events).toEqual(big.events.slice(0, 2));
});

test('an entry resolves once every part of it is settled', () => {
  const e = entry(25);
  const q = [e];
  const a = takeBatch(q, 10, 1e9);
  const b = takeBatch(q, 10, 1e9);
  const c = takeBatch(q, 10, 1e9);
  settle(a.parts);
  settle(c.parts);
  expect(e.done).toBe(false);
  settle(b.parts);
  expect(e.done).toBe(true);
});

test('chunk keeps order and limits', () => {
  const parts = chunk(ev(12), 5, 1e9);
  expect(parts.map((p) => p.length)).toEqual([5, 5, 2]);
  expect(parts.flat()).toEqual(ev(12));
  expect(chunk(ev(4), 100, 650).map((p) => p.length)).toEqual([2, 2]); // 300 bytes an event (approx)
});
