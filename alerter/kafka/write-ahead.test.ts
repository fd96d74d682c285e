/**
 * The hand-off's write ahead of notify (alerter/runner/write-ahead.ts): the states of firings
 * and blind meta-alerts are in the topic before notify hears of them, and the later
 * publish of the same batch adds the flap history.
 */
import { BlindWatch } from '../graphite/blind';
import { graphiteRuleRoute } from '../graphite/ownership';
import { HandoffRig } from '../testing/handoff-rig';
import { T0 } from '../testing/fixtures';
import type { PersistedAlert } from '../engine/engine';
import { dedupKey } from '../engine/state';

describe('writeAhead', () => {
  let rig: HandoffRig;
  beforeEach(() => (rig = new HandoffRig()));
  afterEach(() => rig.close());

  it('writes the states and blind meta-alerts at once, and the next owner adopts them firing', async () => {
    const { topic } = rig;
    const route = graphiteRuleRoute('deep');
    const p = topic.partitionOf(route);
    const k1 = dedupKey('hot', { service: 'svc0' });
    const firing: PersistedAlert = {
      key: k1,
      // A rule the rig's replicas load (its kind does not matter to the hand-off).
      rule: 'hot',
      groupLabels: { service: 'svc0' },
      routingKey: route,
      state: 'firing',
      activeAt: T0,
      firedAt: T0,
      value: 100,
    };
    const [blind] = new BlindWatch(1).failed('deep', 'a.*.depth', 'refused', T0);
    const a = rig.replica();
    await a.hooks().onAssigned([p]);
    await a.handoff.writeAhead!([firing], [blind!]);
    expect(topic.last(k1)).toMatchObject({ state: 'firing', routingKey: route, changes: [] });
    expect(topic.last(blind!.alert.key)).toMatchObject({ state: 'firing', routingKey: route });
    // A pending that cleared: its state is deleted.
    await a.handoff.writeAhead!([{ ...firing, key: 'k2', state: 'inactive' }], []);
    expect(topic.last('k2')).toBeNull();

    const b = rig.replica();
    await b.hooks().onAssigned([p]);
    expect(b.adopted.map((x) => x.alert.key).sort()).toEqual([blind!.alert.key, k1].sort());
  });
});
