/**
 * A Graphite rule's blind meta-alert through the hand-off (blind-states.ts): filed in the rule's
 * partition, adopted by the partition's next owner and handed to its poller once.
 */
import { BlindWatch } from '../graphite/blind';
import { graphiteRuleRoute } from '../graphite/ownership';
import { HandoffRig } from '../testing/handoff-rig';
import { T0 } from '../testing/fixtures';
import type { HandoffBatch } from '../alerter';
import type { AlertTransition } from '../types';

const batch = (transitions: AlertTransition[]): HandoffBatch => ({
  changed: [],
  transitions,
  inventory: { add: [], remove: [] },
});

describe('blind meta-alerts in the state topic', () => {
  let rig: HandoffRig;
  beforeEach(() => (rig = new HandoffRig()));
  afterEach(() => rig.close());

  it("is written in its rule's partition, adopted firing by the next owner, and handed to the poller once", async () => {
    const { topic } = rig;
    const watch = new BlindWatch(1);
    const [fired] = watch.failed('queue_deep', 'a.b.c', 'graphite-web answered 500', T0);
    const p = topic.partitionOf(graphiteRuleRoute('queue_deep'));
    const a = rig.replica();
    await a.hooks().onAssigned([p]);
    await a.handoff.publish(batch([fired!]));
    expect(topic.last(fired!.alert.key)).toMatchObject({
      state: 'firing',
      routingKey: graphiteRuleRoute('queue_deep'),
      alert: { summary: fired!.alert.summary },
    });

    const b = rig.replica();
    await b.hooks().onAssigned([p]);
    // Notify learns it firing (it would drop the resolve of an alert it never saw firing).
    expect(b.adopted.map((x) => [x.alert.key, x.alert.state])).toEqual([[fired!.alert.key, 'firing']]);
    expect(b.handoff.takeBlinds()).toEqual([
      expect.objectContaining({ key: fired!.alert.key, state: 'firing' }),
    ]);
    expect(b.handoff.takeBlinds()).toEqual([]);
  });

  it('a resolved meta-alert is not adopted; one of a partition revoked before the poller took it is dropped', async () => {
    const { topic } = rig;
    const watch = new BlindWatch(1);
    const [fired] = watch.failed('queue_deep', 'a.b.c', 'timeout', T0);
    const [resolved] = watch.ok('queue_deep', T0 + 1000);
    const p = topic.partitionOf(graphiteRuleRoute('queue_deep'));
    const a = rig.replica();
    await a.hooks().onAssigned([p]);
    await a.handoff.publish(batch([fired!, resolved!]));
    expect(topic.last(fired!.alert.key)).toMatchObject({ state: 'resolved' });
    const b = rig.replica();
    await b.hooks().onAssigned([p]);
    expect(b.adopted).toEqual([]);
    expect(b.handoff.takeBlinds()).toEqual([]);

    const [again] = watch.failed('queue_deep', 'a.b.c', 'timeout', T0 + 2000);
    await b.handoff.publish(batch([again!]));
    const c = rig.replica();
    await c.hooks().onAssigned([p]);
    await c.hooks().onRevoked([p]);
    expect(c.handoff.takeBlinds()).toEqual([]);
  });
});
