import { ManualClock } from '../../core/clock';
import { PermanentDeliveryError, TransientDeliveryError } from '../../core/errors';
import type { LogEvent, LookoutEvent } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { PartialWriteError, type DeadLetter } from '../sinks/sink';
import * as m from './metrics';
import { WriteOutcome } from './outcome';

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
const events = [ev(0), ev(1), ev(2)];
let n = 0;

function setup() {
  const sink = `outcome-${n++}`;
  const dead: Array<{ event: LookoutEvent; reason: string }> = [];
  const deadLetter: DeadLetter = { write: (_s, items) => void dead.push(...items) };
  const outcome = new WriteOutcome(sink, {
    logger: silentLogger(),
    clock: new ManualClock(5_000),
    deadLetter,
  });
  const value = async (metric: { get(): Promise<{ values: Array<{ labels: object; value: number }> }> }) =>
    (await metric.get()).values.find((v) => (v.labels as { sink?: string }).sink === sink)?.value;
  const kept: LookoutEvent[][] = [];
  let dropped = 0;
  const fail = (err: unknown, aborted = false) =>
    outcome.failed(
      err,
      events,
      { aborted, attempt: 0 },
      (rest) => kept.push(rest),
      () => dropped++,
    );
  return { outcome, dead, value, kept, dropped: () => dropped, fail };
}

test('success counts the events and marks the sink up', async () => {
  const { outcome, value } = setup();
  outcome.succeeded(events);
  expect(await value(m.delivered)).toBe(3);
  expect(await value(m.up)).toBe(1);
  expect(await value(m.lastSuccess)).toBe(5);
});

test('a retriable failure keeps every event for the spool', async () => {
  const { value, kept, dead, fail } = setup();
  fail(new TransientDeliveryError('down'));
  expect(kept).toEqual([events]);
  expect(dead).toEqual([]);
  expect(await value(m.up)).toBe(0);
  expect(await value(m.failures)).toBe(1);
});

test('a partial write counts what was taken and keeps only the rest', async () => {
  const { value, kept, fail } = setup();
  fail(new PartialWriteError('some refused', [events[2]!]));
  expect(kept).toEqual([[events[2]]]);
  expect(await value(m.delivered)).toBe(2);
  expect(await value(m.lastSuccess)).toBe(5);
});

test('a permanent refusal dead-letters the batch with its reason, never retries it', () => {
  const { kept, dead, dropped, fail } = setup();
  fail(new PermanentDeliveryError('mapping conflict'));
  expect(kept).toEqual([]);
  expect(dead.map((d) => d.reason)).toEqual(['mapping conflict', 'mapping conflict', 'mapping conflict']);
  expect(dropped()).toBe(1);
});

test('a write cut short by a stop is kept, whatever the error says', () => {
  const { kept, dead, fail } = setup();
  fail(new PermanentDeliveryError('aborted'), true);
  expect(kept).toEqual([events]);
  expect(dead).toEqual([]);
});
