/**
 * The hand-off glue through createAlerter on the in-process bus, with an in-memory state topic
 * standing in for Kafka's (the partition hooks are called by hand, as the Kafka bus would).
 * test/kafka/alerter-handoff.test.ts runs the same through Kafka with two processes.
 */
import { T0 } from '../testing/fixtures';
import { HandoffRig } from '../testing/handoff-rig';
import type { HandedState } from './handoff';

describe('kafka hand-off glue', () => {
  let rig: HandoffRig;
  let topic: HandoffRig['topic'];
  beforeEach(() => {
    rig = new HandoffRig();
    topic = rig.topic;
  });
  afterEach(() => rig.close());
  const replica = (...a: Parameters<HandoffRig['replica']>) => rig.replica(...a);

  it('writes each changed state under its service before the batch resolves, and a tombstone when it ends', async () => {
    const r = replica();
    await r.send(0, 'api');
    const key = r.got[0]!.alert.key;
    expect(topic.last(key)).toMatchObject({
      v: 1,
      rule: 'hot',
      state: 'pending',
      activeAt: T0,
      routingKey: 'api',
      groupLabels: { service: 'api' },
    });
    await r.send(15_000, 'api');
    await r.tick(20_000);
    expect(topic.last(key)).toMatchObject({ state: 'firing', firedAt: T0 + 20_000, changes: [T0 + 20_000] });
    await r.send(35_000, 'api', 10);
    await r.tick(40_000);
    const resolved = topic.last(key)!;
    expect(resolved).toMatchObject({ state: 'resolved', changes: [T0 + 20_000, resolved.resolvedAt] });
    await r.send(40_000, 'db');
    await r.send(51_000, 'db', 10);
    expect(topic.last(r.got.find((t) => t.alert.labels.service === 'db')!.alert.key)).toBeNull();
  });

  it('a batch whose transitions are not in the outbox, or whose states are not written, stays uncommitted', async () => {
    let outboxDown = true;
    const r = replica({
      onTransitions: () => (outboxDown ? Promise.reject(new Error('disk full')) : Promise.resolve()),
    });
    await expect(r.send(0, 'api')).rejects.toThrow(/not in the outbox/);
    expect(topic.log).toHaveLength(0);
    outboxDown = false;
    topic.failNext = 1;
    // The retried batch delivers the transition, but the state topic refuses it: still uncommitted.
    await expect(r.send(1_000, 'api')).rejects.toThrow(/broker away/);
    await r.send(2_000, 'api');
    expect(topic.log.map((e) => (e.value as HandedState).state)).toEqual(['pending']);
  });

  it('the new owner adopts firing and pending states without transitions; the old one forgets them', async () => {
    const a = replica();
    await a.send(0, 'api');
    await a.send(0, 'web');
    await a.send(15_000, 'api');
    await a.send(15_000, 'web');
    await a.tick(20_000);
    await a.send(25_000, 'sql');
    expect(a.got.map((t) => `${t.alert.labels.service} ${t.to}`)).toEqual([
      'api pending',
      'web pending',
      'api firing',
      'web firing',
      'sql pending',
    ]);

    // A's notify delivered api's page, not web's yet (still in its group_wait when A goes).
    const fired = (svc: string) =>
      a.got.find((t) => t.alert.labels.service === svc && t.to === 'firing')!.alert;
    await a.handoff.noteDelivered({
      receiver: 'hook',
      incidentKey: fired('api').key,
      at: T0 + 25_500,
      firing: [{ key: fired('api').key, firedAt: fired('api').firedAt }],
      resolved: [],
    });
    const b = replica();
    b.clock.set(T0 + 26_000);
    const p = topic.partitionOf('api'); // 'api' and 'web' share it, 'sql' too: all of length 3
    await a.hooks().onRevoked([p]);
    expect(a.alerter.engine.groupCount()).toBe(0);
    // A's notify is told to forget them: B's notify has them now.
    expect(a.released.sort()).toEqual([...new Set(a.got.map((t) => t.alert.key))].sort());
    await b.hooks().onAssigned([p]);
    expect(b.alerter.engine.groupCount()).toBe(3);
    expect(b.adopted.map((x) => [x.alert.labels.service, x.alert.state, x.changes])).toEqual([
      ['api', 'firing', [T0 + 20_000]],
      ['web', 'firing', [T0 + 20_000]],
    ]);
    // What each receiver was told travels with the state: notify pages web, not api, again.
    expect(b.adopted.map((x) => [x.alert.labels.service, x.told])).toEqual([
      [
        'api',
        { hook: { status: 'firing', firedAt: T0 + 20_000, incidentKey: fired('api').key, at: T0 + 25_500 } },
      ],
      ['web', {}],
    ]);
    for (let t = 26_000; t <= 50_000; t += 1000) {
      await b.send(t, 'api');
      await b.send(t, 'sql');
      await b.tick(t);
    }
    // sql's `for` ran from 25 s on A: it fires at 45 s on B; api and web (no data: keep) stay firing.
    expect(
      b.got.map(
        (t) =>
          `${(t.at - T0) / 1000} ${t.alert.labels.service} ${t.from}->${t.to} ${(t.alert.activeAt ?? 0) - T0}`,
      ),
    ).toEqual(['45 sql pending->firing 25000']);
    expect(a.got).toHaveLength(5);
  });

  it('an absence inventory moves with its partition: a host that went quiet before the hand-off is still missed', async () => {
    const a = replica();
    await a.beat(0, 'hhh');
    await a.beat(5_000, 'hhh');
    expect(topic.log.filter((e) => e.key.startsWith('inv:')).map((e) => e.routingKey)).toEqual(['hhh']);
    const b = replica();
    b.clock.set(T0 + 10_000);
    const p = topic.partitionOf('hhh');
    await a.hooks().onRevoked([p]);
    await b.hooks().onAssigned([p]);
    // Seeded as seen at the hand-off (10 s): missed 30 s + 5 s lateness later.
    for (let t = 10_000; t <= 50_000; t += 1000) await b.tick(t);
    expect(b.got.map((t) => `${(t.at - T0) / 1000} ${t.alert.labels.host} ${t.to}`)).toEqual([
      '46 hhh firing',
    ]);
    expect(a.got).toEqual([]);
  });

  it('resolved states older than an hour are deleted by the next loader instead of adopted', async () => {
    topic.log.push({
      key: 'old',
      routingKey: 'api',
      value: {
        v: 1,
        key: 'old',
        rule: 'hot',
        state: 'resolved',
        groupLabels: { service: 'api' },
        resolvedAt: T0 - 2 * 3_600_000,
        changes: [],
      },
    });
    const b = replica();
    await b.hooks().onAssigned([topic.partitionOf('api')]);
    expect(b.alerter.engine.groupCount()).toBe(0);
    expect(topic.last('old')).toBeNull();
  });
});

test('the hand-off survives a spread, as callers wrap it ({ ...inner, publish })', () => {
  const rig = new HandoffRig();
  const r = rig.replica();
  const wrapped = { ...r.handoff };
  expect(typeof wrapped.subscribeOptions).toBe('function');
  expect(typeof wrapped.noteDelivered).toBe('function');
  return rig.close();
});
