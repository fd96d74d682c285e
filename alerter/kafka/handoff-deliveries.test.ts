/** The hand-off's delivery records (what each receiver was told), through createAlerter. */
import { T0 } from '../testing/fixtures';
import { HandoffRig } from '../testing/handoff-rig';
import type { HandedTold } from './handoff';

describe('kafka hand-off: delivery records', () => {
  let rig: HandoffRig;
  let topic: HandoffRig['topic'];
  beforeEach(() => {
    rig = new HandoffRig();
    topic = rig.topic;
  });
  afterEach(() => rig.close());
  const replica = () => rig.replica();

  it("delivery records: written under ntf:<key> in the alert's partition, deleted with the state, left to the new owner after a revoke", async () => {
    const a = replica();
    await a.send(0, 'api');
    await a.send(15_000, 'api');
    await a.tick(20_000);
    const alert = a.got.find((t) => t.to === 'firing')!.alert;
    const told = (status: 'firing' | 'resolved', at: number) => ({
      receiver: 'hook',
      incidentKey: alert.key,
      at: T0 + at,
      firing: status === 'firing' ? [{ key: alert.key, firedAt: alert.firedAt }] : [],
      resolved: status === 'resolved' ? [{ key: alert.key, firedAt: alert.firedAt }] : [],
    });
    await a.handoff.noteDelivered(told('firing', 21_000));
    await a.handoff.noteDelivered({ ...told('firing', 21_500), receiver: 'mail' });
    const rec = () => {
      const e = [...topic.log].reverse().find((x) => x.key === `ntf:${alert.key}`);
      return e && { routingKey: e.routingKey, value: e.value as HandedTold | null };
    };
    // Both receivers in the last record: the second write did not undo the first.
    expect(rec()).toEqual({
      routingKey: 'api',
      value: {
        v: 1,
        routingKey: 'api',
        receivers: {
          hook: { status: 'firing', firedAt: alert.firedAt, incidentKey: alert.key, at: T0 + 21_000 },
          mail: { status: 'firing', firedAt: alert.firedAt, incidentKey: alert.key, at: T0 + 21_500 },
        },
      },
    });
    // Another replica owns api now: A's later deliveries of it are not A's to record.
    await a.hooks().onRevoked([topic.partitionOf('api')]);
    const before = topic.log.length;
    await a.handoff.noteDelivered(told('resolved', 30_000));
    expect(topic.log.length).toBe(before);

    // The new owner records its own deliveries on top, and deletes the record with the state.
    const b = replica();
    b.clock.set(T0 + 30_000);
    await b.hooks().onAssigned([topic.partitionOf('api')]);
    expect(Object.keys(b.adopted[0]!.told).sort()).toEqual(['hook', 'mail']);
    await b.handoff.noteDelivered(told('resolved', 31_000));
    expect(rec()!.value!.receivers).toMatchObject({
      hook: { status: 'resolved' },
      mail: { status: 'firing' },
    });
    for (let t = 31_000; t <= 60_000; t += 1000) await b.send(t, 'api', 10);
    expect(b.got.map((t) => t.to)).toEqual(['resolved']);
    // A resolved state stays an hour (flap history); the loader that finds it older deletes both.
    const c = replica();
    c.clock.set(T0 + 3 * 3_600_000);
    await c.hooks().onAssigned([topic.partitionOf('api')]);
    expect(topic.last(alert.key)).toBeNull();
    expect(rec()).toEqual({ routingKey: 'api', value: null });
  });

  it('a delivery reported before its state was handed off is written with that state', async () => {
    const a = replica();
    await a.send(0, 'api');
    const key = a.got[0]!.alert.key;
    await a.handoff.noteDelivered({
      receiver: 'hook',
      incidentKey: 'x',
      at: T0,
      firing: [{ key: 'early', firedAt: 1 }],
      resolved: [],
    });
    expect(topic.log.some((e) => e.key === 'ntf:early')).toBe(false);
    // As if the tick that fired `early` published its state only now.
    await a.handoff.publish({
      changed: [
        {
          key: 'early',
          rule: 'hot',
          state: 'firing',
          groupLabels: { service: 'ops' },
          firedAt: 1,
          routingKey: 'ops',
        },
      ],
      transitions: [],
      inventory: { add: [], remove: [] },
    });
    expect(topic.log.filter((e) => e.key === 'ntf:early').map((e) => e.routingKey)).toEqual(['ops']);
    expect(topic.last(key)).toMatchObject({ state: 'pending' });
  });
});
