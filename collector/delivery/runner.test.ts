import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/clock';
import { PermanentDeliveryError, TransientDeliveryError } from '../../core/errors';
import type { LogEvent, LookoutEvent } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { PartialWriteError, type DeadLetter, type Sink } from '../sinks/sink';
import { DEFAULT_DELIVERY, type DeliveryConfig } from './config';
import { SinkRunner } from './runner';
import { Spool } from './spool';

/** A backend the test steers: up, down (retriable errors), or hanging until released. */
class FakeSink implements Sink {
  readonly accepts = new Set<LookoutEvent['kind']>(['log']);
  mode: 'up' | 'down' | 'hang' | 'refuse' = 'up';
  got: string[] = [];
  writes = 0;
  /** Ids to answer as a partial failure once. */
  partialOnce = new Set<string>();
  private release: (() => void) | undefined;
  constructor(readonly name = 'fake') {}
  async write(events: LookoutEvent[], signal: AbortSignal): Promise<void> {
    this.writes++;
    if (signal.aborted) throw signal.reason;
    if (this.mode === 'down') throw new TransientDeliveryError('backend down');
    if (this.mode === 'refuse') throw new PermanentDeliveryError('bad request');
    if (this.mode === 'hang') {
      await new Promise<void>((resolve, reject) => {
        this.release = resolve;
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    }
    const retry = events.filter((e) => this.partialOnce.delete((e as LogEvent).id));
    for (const e of events) if (!retry.includes(e)) this.got.push((e as LogEvent).id);
    if (retry.length > 0) throw new PartialWriteError('some refused', retry);
  }
  unhang(): void {
    this.mode = 'up';
    this.release?.();
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

const settled = async (p: Promise<void>, ms = 300) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
const until = async (what: string, fn: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function conf(over: Partial<DeliveryConfig> = {}): DeliveryConfig {
  return { ...DEFAULT_DELIVERY, retry: { initial: 5, max: 20, factor: 2, jitter: 0 }, ...over };
}

function make(sink: FakeSink, config = conf(), store = StateStore.open(':memory:')) {
  const dead: Array<{ event: LookoutEvent; reason: string }> = [];
  const deadLetter: DeadLetter = { write: (_s, items) => dead.push(...items) };
  const spool = new Spool(store, sink.name);
  const runner = new SinkRunner(sink, {
    spool,
    logger: silentLogger(),
    clock: new ManualClock(1000),
    deadLetter,
    config,
  });
  runner.start();
  return { runner, spool, dead, store };
}

test('a healthy backend: accept resolves once the batch is written', async () => {
  const sink = new FakeSink();
  const { runner } = make(sink);
  await runner.accept(lines(0, 10));
  expect(sink.got).toEqual(lines(0, 10).map((e) => e.id));
  await runner.close();
});

test('backend down: batches are acknowledged once spooled, then delivered in order, once each, when it returns', async () => {
  const sink = new FakeSink();
  sink.mode = 'down';
  const { runner, spool } = make(sink);
  await runner.accept(lines(0, 5));
  await runner.accept(lines(5, 5));
  expect(spool.events).toBe(10);
  expect(sink.got).toEqual([]);
  sink.mode = 'up';
  await until('drained', () => spool.events === 0);
  await runner.accept(lines(10, 5));
  expect(sink.got).toEqual(lines(0, 15).map((e) => e.id));
  await runner.close();
});

test('partial failure: only the refused items are sent again', async () => {
  const sink = new FakeSink();
  sink.partialOnce = new Set(['id2', 'id7']);
  const { runner, spool } = make(sink);
  await runner.accept(lines(0, 10));
  await until('retried', () => spool.events === 0 && sink.got.length === 10);
  expect(sink.got.slice(0, 8)).toEqual(['id0', 'id1', 'id3', 'id4', 'id5', 'id6', 'id8', 'id9']);
  expect(sink.got.slice(8)).toEqual(['id2', 'id7']);
  await runner.close();
});

test('refused for good: dead-lettered with the reason, never retried', async () => {
  const sink = new FakeSink();
  sink.mode = 'refuse';
  const { runner, dead } = make(sink);
  await runner.accept(lines(0, 3));
  expect(dead.map((d) => [(d.event as LogEvent).id, d.reason])).toEqual([
    ['id0', 'bad request'],
    ['id1', 'bad request'],
    ['id2', 'bad request'],
  ]);
  expect(sink.writes).toBe(1);
  await runner.close();
});

test('spool full, policy block: intake waits (the tailer holds) until the backend drains it', async () => {
  const sink = new FakeSink();
  sink.mode = 'down';
  const { runner, spool } = make(sink, conf({ spool: { max_bytes: 1500, policy: 'block' } }));
  await runner.accept(lines(0, 5)); // spooled (over the bound alone: an empty spool always takes one batch)
  const held = runner.accept(lines(5, 5));
  expect(await settled(held)).toBe(false);
  expect(runner.state().blocked).toBe(true);
  sink.mode = 'up';
  expect(await settled(held, 5000)).toBe(true);
  await until('drained', () => spool.events === 0 && sink.got.length === 10);
  expect(sink.got).toEqual(lines(0, 10).map((e) => e.id));
  await runner.close();
});

test('spool full, policy drop_oldest: the oldest spooled events go, counted', async () => {
  const sink = new FakeSink();
  sink.mode = 'down';
  const { runner, spool } = make(sink, conf({ spool: { max_bytes: 1500, policy: 'drop_oldest' } }));
  await runner.accept(lines(0, 5));
  await runner.accept(lines(5, 5));
  expect(spool.events).toBe(5);
  sink.mode = 'up';
  await until('drained', () => spool.events === 0 && sink.got.length === 5);
  expect(sink.got).toEqual(lines(5, 5).map((e) => e.id));
  const { register } = await import('prom-client');
  const v = (await register.getSingleMetric('lookout_spool_dropped_events_total')!.get()).values.find(
    (x) => x.labels.sink === 'fake',
  );
  expect(v!.value).toBeGreaterThanOrEqual(5);
  await runner.close();
});

test('a slow backend: batches queued behind a hanging write spill to the spool after spill_after', async () => {
  const sink = new FakeSink();
  sink.mode = 'hang';
  const { runner, spool } = make(sink, conf({ spill_after: 50 }));
  const first = runner.accept(lines(0, 5));
  await until('first write started', () => sink.writes === 1);
  const second = runner.accept(lines(5, 5));
  expect(await settled(second, 5000)).toBe(true); // acknowledged from the spool
  expect(spool.events).toBe(5);
  expect(await settled(first, 100)).toBe(false);
  sink.unhang();
  await first;
  await until('drained', () => spool.events === 0 && sink.got.length === 10);
  expect(sink.got).toEqual(lines(0, 10).map((e) => e.id));
  await runner.close();
});

test('memory ceiling: what is queued beyond memory_max_bytes spills at once', async () => {
  const sink = new FakeSink();
  sink.mode = 'hang';
  const { runner, spool } = make(sink, conf({ memory_max_bytes: 2000 }));
  void runner.accept(lines(0, 2));
  await until('write started', () => sink.writes === 1);
  await runner.accept(lines(2, 10)); // ~3 KB queued: over the ceiling
  expect(spool.events).toBe(10);
  expect(runner.state().queuedEvents).toBe(2); // only the batch in flight stays in memory
  sink.unhang();
  await until('drained', () => spool.events === 0 && sink.got.length === 12);
  await runner.close();
});

test('a restart finds the spool on disk and delivers it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-runner-'));
  const file = path.join(dir, 'state.db');
  const down = new FakeSink();
  down.mode = 'down';
  const a = make(down, conf(), StateStore.open(file));
  await a.runner.accept(lines(0, 7));
  await a.runner.close(); // stopping sends nothing more: the 7 stay in the spool, as after a kill
  a.store.close();
  const up = new FakeSink();
  const b = make(up, conf(), StateStore.open(file));
  expect(b.spool.events).toBe(7);
  await until('delivered after restart', () => up.got.length === 7 && b.spool.events === 0);
  await b.runner.close();
  b.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('close: what is queued behind a failing backend is spooled, not lost', async () => {
  const sink = new FakeSink();
  sink.mode = 'hang';
  const { runner, spool } = make(sink);
  const first = runner.accept(lines(0, 3));
  await until('write started', () => sink.writes === 1);
  const second = runner.accept(lines(3, 3));
  const closing = runner.close(50);
  await Promise.all([first, second, closing]);
  expect(spool.events).toBe(6);
});
