import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { HandoffControl } from '../alerter';
import type { Engine } from '../engine/engine';
import { FakeStateTopic } from '../testing/state-topic';
import { AlertLedger } from './ledger';
import { Rebalance } from './rebalance';

const firingState = (key: string, routingKey: string) => ({
  v: 1,
  key,
  rule: 'hot',
  state: 'firing',
  groupLabels: { service: routingKey },
  routingKey,
  changes: [1],
});

/** An engine that only records what it was asked: the rebalance's own logic, alone. */
function control() {
  const calls: string[] = [];
  const engine = {
    adoptInventory: (refs: unknown[]) => void calls.push(`inventory ${refs.length}`),
    adopt: (states: Array<{ key: string }>) => {
      calls.push(`adopt ${states.map((s) => s.key).join(',')}`);
      return { adopted: states.length, firing: states.map((s) => ({ key: s.key })) };
    },
    release: (drop: (route: string) => boolean) => (drop('api') ? 1 : 0),
  } as unknown as Engine;
  const ctl: HandoffControl = { exclusive: async (fn) => fn(engine) };
  return { calls, ctl };
}

describe('Rebalance', () => {
  it('on assignment: adopts the states, hands the firing ones to notify with their records', async () => {
    const topic = new FakeStateTopic();
    await topic.putMany([
      { key: 'a', value: firingState('a', 'api'), routingKey: 'api' },
      { key: 'ntf:orphan', value: { v: 1, routingKey: 'api', receivers: {} }, routingKey: 'api' },
    ]);
    const adopted: unknown[] = [];
    const events: unknown[] = [];
    const r = new Rebalance(
      {
        stateTopic: topic,
        logger: silentLogger(),
        clock: new ManualClock(0),
        onAdopted: (a) => void adopted.push(...a),
        onAssignment: (e) => void events.push(e),
      },
      new AlertLedger(),
      silentLogger(),
    );
    const { calls, ctl } = control();
    await r.assigned(ctl, [0]);
    expect(calls).toEqual(['inventory 0', 'adopt a']);
    expect(adopted).toEqual([{ alert: { key: 'a' }, changes: [1], told: {} }]);
    // A record whose state is gone is deleted.
    expect(topic.last('ntf:orphan')).toBeNull();
    expect(events).toEqual([{ kind: 'assigned', partitions: [0], states: 1 }]);
  });

  it('on revocation: forgets the moved groups and tells notify; a notify failure does not stop it', async () => {
    const topic = new FakeStateTopic();
    const ledger = new AlertLedger();
    ledger.adopt([{ ...firingState('a', 'api'), state: 'firing', v: 1 }], new Map());
    const events: unknown[] = [];
    const r = new Rebalance(
      {
        stateTopic: topic,
        logger: silentLogger(),
        clock: new ManualClock(0),
        onReleased: () => Promise.reject(new Error('notify away')),
        onAssignment: (e) => void events.push(e),
      },
      ledger,
      silentLogger(),
    );
    await r.revoked(control().ctl, [topic.partitionOf('api')]);
    expect(events).toEqual([{ kind: 'revoked', partitions: [0], states: 1 }]);
    expect(ledger.release(() => true)).toEqual([]);
  });

  it('owns a routing key from its partition assignment (adopted) until its revocation', async () => {
    const topic = new FakeStateTopic();
    const r = new Rebalance(
      { stateTopic: topic, logger: silentLogger(), clock: new ManualClock(0) },
      new AlertLedger(),
      silentLogger(),
    );
    const key = 'graphite-rule:queue_deep';
    const { ctl } = control();
    expect(r.owns(key)).toBe(false);
    await r.assigned(ctl, [topic.partitionOf(key)]);
    expect(r.owns(key)).toBe(true);
    await r.revoked(ctl, [topic.partitionOf(key)]);
    expect(r.owns(key)).toBe(false);
  });
});
