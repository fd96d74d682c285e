import type { MetricSample } from '../events';
import { MemoryBus } from './memory';

const sample = (value: number): MetricSample => ({
  kind: 'metric',
  host: 'h',
  ts: value,
  name: 'cpu.percent',
  value,
  type: 'gauge',
});

/** A promise with its resolve handle, to hold a subscriber until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('MemoryBus', () => {
  it('delivers batches in order to every subscriber and acknowledges when all handled them', async () => {
    const bus = new MemoryBus();
    const a: number[] = [];
    const b: number[] = [];
    bus.subscribe('metric', 'a', async (events) => void a.push(...events.map((e) => e.value)));
    const hold = gate();
    bus.subscribe('metric', 'b', async (events) => {
      await hold.promise;
      b.push(...events.map((e) => e.value));
    });
    const first = await bus.publish('metric', [sample(1), sample(2)]);
    const second = await bus.publish('metric', [sample(3)]);
    let acked = false;
    void first.done.then(() => (acked = true));
    await new Promise((r) => setImmediate(r));
    expect(a).toEqual([1, 2, 3]);
    expect(acked).toBe(false); // b has not handled it yet
    hold.open();
    await second.done;
    expect(acked).toBe(true);
    expect(b).toEqual([1, 2, 3]);
    await bus.close();
  });

  it('makes a publisher wait while a slow subscriber is full (bounded memory)', async () => {
    const bus = new MemoryBus();
    const hold = gate();
    bus.subscribe('metric', 'slow', () => hold.promise, { maxQueuedEvents: 10 });
    await bus.publish(
      'metric',
      Array.from({ length: 10 }, (_, i) => sample(i)),
    );
    let admitted = false;
    const blocked = bus.publish('metric', [sample(99)]).then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(admitted).toBe(false);
    expect(bus.depths()).toEqual([{ topic: 'metric', subscriber: 'slow', depth: 10 }]);
    hold.open();
    await blocked;
    expect(admitted).toBe(true);
    await bus.close();
  });

  it('rejects `done` when a subscriber fails, without stopping later batches', async () => {
    const bus = new MemoryBus();
    const seen: number[] = [];
    bus.subscribe('metric', 'flaky', async (events) => {
      if (events[0]!.value === 1) throw new Error('boom');
      seen.push(events[0]!.value);
    });
    const bad = await bus.publish('metric', [sample(1)]);
    const good = await bus.publish('metric', [sample(2)]);
    await expect(bad.done).rejects.toThrow('boom');
    await good.done;
    expect(seen).toEqual([2]);
    await bus.close();
  });

  it('hands a subscriber that asks for it several batches at once, in order, each acknowledged on its own', async () => {
    const bus = new MemoryBus();
    const started: number[] = [];
    const holds = [gate(), gate(), gate()];
    bus.subscribe(
      'metric',
      'delivery',
      async (events) => {
        const v = events[0]!.value;
        started.push(v);
        await holds[v]!.promise;
      },
      { concurrency: 2 },
    );
    const dones = [];
    for (const v of [0, 1, 2]) dones.push((await bus.publish('metric', [sample(v)])).done);
    const acked: number[] = [];
    dones.forEach((d, v) => void d.then(() => acked.push(v)));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]); // two at once, the third waits for a free slot
    holds[1]!.open(); // the second finishes first: acknowledged first, and the third starts
    await dones[1];
    await new Promise((r) => setImmediate(r));
    expect(acked).toEqual([1]);
    expect(started).toEqual([0, 1, 2]);
    holds[2]!.open();
    holds[0]!.open();
    await Promise.all(dones);
    expect(acked.sort()).toEqual([0, 1, 2]);
    await bus.close();
  });

  it('acknowledges at once when nobody listens to a topic', async () => {
    const bus = new MemoryBus();
    const { done } = await bus.publish('log', []);
    await expect(done).resolves.toBeUndefined();
  });
});
