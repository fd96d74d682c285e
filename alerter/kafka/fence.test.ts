/**
 * The hand-over fence (fence.ts) through createAlerter on the in-process bus: the partition
 * hooks are called by hand, in the order the Kafka bus can call them on two replicas at once.
 */
import { HandoffRig } from '../testing/handoff-rig';
import { FENCE_PREFIX } from './fence';

describe('hand-over fence', () => {
  let rig: HandoffRig;
  beforeEach(() => (rig = new HandoffRig()));
  afterEach(() => rig.close());

  /** Resolves once the last load of the state topic has read once. */
  const firstLook = async (topic: HandoffRig['topic']): Promise<void> => {
    while ((topic.loads.at(-1)?.looks ?? 0) < 1) await new Promise((r) => setImmediate(r));
  };

  it('a new owner waits for the old one to release, so a state written after its first read is adopted', async () => {
    const { topic } = rig;
    const p = topic.partitionOf('api');
    const a = rig.replica({ handoverWaitMs: 60_000 });
    await a.hooks().onAssigned([p]);
    await a.send(0, 'api');
    await a.send(15_000, 'api');

    // B is assigned the partition while A still holds it (both hooks run on the same rebalance).
    const b = rig.replica({ handoverWaitMs: 60_000 });
    b.clock.set(a.clock.now());
    const loadsBefore = topic.loads.length;
    let adoptedAt = -1;
    const assigning = b
      .hooks()
      .onAssigned([p])
      .then(() => (adoptedAt = topic.log.length));
    await firstLook(topic);
    expect(topic.loads).toHaveLength(loadsBefore + 1);
    // A decides the page after B's first read, then releases the partition.
    await a.tick(20_000);
    expect(a.got.map((t) => t.to)).toEqual(['pending', 'firing']);
    expect(adoptedAt).toBe(-1);
    await a.hooks().onRevoked([p]);
    await assigning;

    expect(b.adopted.map((x) => [x.alert.labels.service, x.alert.state])).toEqual([['api', 'firing']]);
    for (let t = 21_000; t <= 30_000; t += 1000) {
      await b.send(t, 'api');
      await b.tick(t);
    }
    // Still firing from A's page: B fires nothing again.
    expect(b.got).toEqual([]);
    // B marked the partition held once it had adopted.
    const marks = topic.log.filter((e) => e.key === `${FENCE_PREFIX}${p}`).map((e) => e.value);
    expect(marks).toEqual([
      expect.objectContaining({ released: false }),
      expect.objectContaining({ released: true }),
      expect.objectContaining({ released: false }),
    ]);
  });

  it('a holder that never releases (it died) is waited for a bounded time, then what it wrote is adopted', async () => {
    const { topic } = rig;
    const p = topic.partitionOf('api');
    const a = rig.replica();
    await a.hooks().onAssigned([p]);
    await a.send(0, 'api');
    await a.send(15_000, 'api');
    await a.tick(20_000);

    const b = rig.replica({ handoverWaitMs: 300 });
    b.clock.set(a.clock.now());
    await b.hooks().onAssigned([p]);
    // Looked more than once: it waited for the release before adopting.
    expect(topic.loads.at(-1)!.looks).toBeGreaterThan(1);
    expect(b.adopted.map((x) => [x.alert.labels.service, x.alert.state])).toEqual([['api', 'firing']]);
  });

  it('a partition nobody held, or this replica held itself, is adopted on the first read', async () => {
    const { topic } = rig;
    const p = topic.partitionOf('api');
    const a = rig.replica({ handoverWaitMs: 60_000 });
    await a.hooks().onAssigned([p]);
    await a.hooks().onRevoked([p]);
    await a.hooks().onAssigned([p]);
    expect(topic.loads.map((l) => l.looks)).toEqual([1, 1]);
  });

  it('a waiting owner reads on from where it was: a long partition is read once', async () => {
    const { topic } = rig;
    const p = topic.partitionOf('api');
    // A long partition (states of a rule not loaded here: kept, not adopted), held by a replica that died.
    const long = Array.from({ length: 5_000 }, (_, i) => ({
      key: `gone:${i}`,
      value: { v: 1, key: `gone:${i}`, rule: 'gone', groupLabels: {}, state: 'pending', routingKey: 'api' },
      routingKey: 'api',
    }));
    await topic.putMany(long);
    const dead = rig.replica();
    await dead.hooks().onAssigned([p]);
    const inPartition = topic.log.filter((e) => topic.partitionOf(e.routingKey) === p).length;

    const b = rig.replica({ handoverWaitMs: 1_000 });
    await b.hooks().onAssigned([p]);
    const load = topic.loads.at(-1)!;
    expect(load.looks).toBeGreaterThan(2);
    // Every record once, however often it looked.
    expect(load.read).toBe(inPartition);
  });

  it("a replica restarted after a crash does not wait for its own previous run's hold; another replica does", async () => {
    const { topic } = rig;
    const p = topic.partitionOf('api');
    const before = rig.replica({ replica: 'r1' });
    await before.hooks().onAssigned([p]);
    await before.send(0, 'api');
    await before.send(15_000, 'api');
    await before.tick(20_000);
    // It dies holding the partition; the same replica starts again (a new run, the same store).
    const again = rig.replica({ replica: 'r1', handoverWaitMs: 60_000 });
    again.clock.set(before.clock.now());
    await again.hooks().onAssigned([p]);
    expect(topic.loads.at(-1)!.looks).toBe(1);
    expect(again.adopted.map((x) => [x.alert.labels.service, x.alert.state])).toEqual([['api', 'firing']]);
    // Its run holds it now; another replica waits for that hold.
    const other = rig.replica({ replica: 'r2', handoverWaitMs: 300 });
    await other.hooks().onAssigned([p]);
    expect(topic.loads.at(-1)!.looks).toBeGreaterThan(1);
  });
});
