import { ManualClock } from '../../core/clock';
import { TransientDeliveryError } from '../../core/errors';
import type { LogEvent, LookoutEvent } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import type { Sink } from '../sinks/sink';
import { DEFAULT_DELIVERY } from './config';
import { SinkRunner } from './runner';
import { Spool } from './spool';

/** A backend whose every write waits until the test answers it (ok or failed), one by one. */
class GatedSink implements Sink {
  readonly name = 'gated';
  readonly accepts = new Set<LookoutEvent['kind']>(['log']);
  readonly pending: Array<{ ids: string[]; answer: (err?: Error) => void }> = [];
  readonly got: string[] = [];
  running = 0;
  mostAtOnce = 0;
  constructor(readonly concurrentWrites: boolean) {}
  async write(events: LookoutEvent[]): Promise<void> {
    const ids = events.map((e) => (e as LogEvent).id);
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    try {
      await new Promise<void>((resolve, reject) =>
        this.pending.push({ ids, answer: (err) => (err ? reject(err) : resolve()) }),
      );
      this.got.push(...ids);
    } finally {
      this.running--;
    }
  }
  async close(): Promise<void> {}
}

const meta = { id: 'c1', name: 'c1', image: 'i', labels: {}, service: 'c1' };
const lines = (from: number, n: number): LogEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'log',
    host: 'h',
    ts: from + i,
    container: meta,
    stream: 'stdout',
    message: `m${from + i}`,
    time: '',
    id: `id${from + i}`,
  }));
const ids = (from: number, n: number) => lines(from, n).map((e) => e.id);

const until = async (what: string, fn: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function make(sink: GatedSink, maxInFlight = 2) {
  const spool = new Spool(StateStore.open(':memory:'), sink.name);
  const runner = new SinkRunner(sink, {
    spool,
    logger: silentLogger(),
    clock: new ManualClock(1000),
    deadLetter: { write: () => undefined },
    config: {
      ...DEFAULT_DELIVERY,
      max_in_flight: maxInFlight,
      retry: { initial: 5, max: 20, factor: 2, jitter: 0 },
    },
  });
  runner.start();
  return { runner, spool };
}

test('two writes at once; the second answered first is acknowledged first, the first when it is answered', async () => {
  const sink = new GatedSink(true);
  const { runner } = make(sink);
  let firstDone = false;
  const first = runner.accept(lines(0, 3)).then(() => (firstDone = true));
  // One after the other: batches accepted together would go out as one write.
  await until('the first write on the wire', () => sink.pending.length === 1);
  const second = runner.accept(lines(3, 3));
  await until('two writes on the wire', () => sink.pending.length === 2);
  sink.pending[1]!.answer();
  await second;
  expect(firstDone).toBe(false);
  sink.pending[0]!.answer();
  await first;
  expect(sink.got.sort()).toEqual(ids(0, 6).sort());
  await runner.close();
});

test('the first of two writes fails: its events are spooled and delivered after, the second stays delivered', async () => {
  const sink = new GatedSink(true);
  const { runner, spool } = make(sink);
  const first = runner.accept(lines(0, 3));
  await until('the first write on the wire', () => sink.pending.length === 1);
  const second = runner.accept(lines(3, 3));
  await until('two writes on the wire', () => sink.pending.length === 2);
  sink.pending[0]!.answer(new TransientDeliveryError('429 for now'));
  await first; // acknowledged once durable in the spool
  sink.pending[1]!.answer();
  await second;
  await until('the spool resent', () => sink.pending.length === 3);
  expect(sink.pending[2]!.ids).toEqual(ids(0, 3)); // the spool's head goes out alone
  sink.pending[2]!.answer();
  await until('spool drained', () => spool.events === 0);
  expect(sink.got).toEqual([...ids(3, 3), ...ids(0, 3)]);
  await runner.close();
});

test.each([
  [true, 2, 2],
  [true, 3, 3],
  [false, 3, 1], // a stream sink (TCP lines) writes one batch at a time whatever the setting
])('concurrentWrites %s, max_in_flight %d: at most %d writes at once', async (concurrent, max, want) => {
  const sink = new GatedSink(concurrent);
  const { runner } = make(sink, max);
  const accepted: Array<Promise<void>> = [];
  for (let i = 0; i < 6; i++) {
    accepted.push(runner.accept(lines(i * 2, 2)));
    await until(`write ${i} started or queued`, () => sink.pending.length >= Math.min(i + 1, want));
    await new Promise((r) => setImmediate(r)); // room for a write beyond the limit to show itself
  }
  // Answer writes as they come, in order, until all six batches are in.
  while (sink.got.length < 12) {
    await until('a write', () => sink.pending.length > 0);
    sink.pending.shift()!.answer();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(accepted);
  expect(sink.mostAtOnce).toBe(want);
  expect(sink.got.sort()).toEqual(ids(0, 12).sort());
  await runner.close();
});
