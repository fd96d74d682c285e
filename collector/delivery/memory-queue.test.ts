import type { LogEvent } from '../../core/events';
import { approxBytes, settle } from './batch';
import { MemoryQueue } from './memory-queue';

const ev = (i: number): LogEvent => ({
  kind: 'log',
  host: 'h',
  ts: i,
  container: { id: 'c', name: 'c', image: 'i', labels: {}, service: 'c' },
  stream: 'stdout',
  message: `line ${i}`,
  time: '',
  id: `e${i}`,
});
const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ev(from + i));
const ids = (events: Array<{ kind: string }>) => events.map((e) => (e as LogEvent).id);

test('totals count what was pushed until it is forgotten, not when it is taken', () => {
  const q = new MemoryQueue();
  const a = batch(0, 3);
  void q.push(a);
  expect(q.events).toBe(3);
  expect(q.bytes).toBe(a.reduce((s, e) => s + approxBytes(e), 0));
  const { events } = q.take(2, Infinity);
  expect(ids(events)).toEqual(['e0', 'e1']);
  expect(q.events).toBe(3);
  q.forget(events);
  expect(q.events).toBe(1);
  expect(q.bytes).toBe(approxBytes(a[2]!));
  q.forget(q.take(10, Infinity).events);
  expect([q.events, q.bytes, q.length]).toEqual([0, 0, 0]);
});

test('a batch resolves once every one of its events is settled, wherever they went', async () => {
  const q = new MemoryQueue();
  let done = false;
  void q.push(batch(0, 3)).then(() => (done = true));
  const first = q.take(2, Infinity);
  const rest = q.takeAll();
  expect(ids(rest.events)).toEqual(['e2']);
  expect(q.length).toBe(0);
  settle(rest.parts);
  await Promise.resolve();
  expect(done).toBe(false);
  settle(first.parts);
  await Promise.resolve();
  expect(done).toBe(true);
});

test('takeAll takes what is left of every batch, in order', () => {
  const q = new MemoryQueue();
  void q.push(batch(0, 2));
  void q.push(batch(2, 2));
  q.take(1, Infinity);
  expect(ids(q.takeAll().events)).toEqual(['e1', 'e2', 'e3']);
  expect(q.takeAll().events).toEqual([]);
});
