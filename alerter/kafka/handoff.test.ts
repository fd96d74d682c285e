/**
 * The hand-off glue through createAlerter on the in-process bus, with an in-memory state topic
 * standing in for Kafka's (the partition hooks are called by hand, as the Kafka bus would).
 * test/kafka/alerter-handoff.test.ts runs the same through Kafka with two processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StateEntry } from '../../core/bus/kafka/state-topic';
import { MemoryBus } from '../../core/bus/memory';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { heartbeat, metric, T0 } from '../../test/alerter/helpers';
import { alerterConfigSchema, createAlerter, type Alerter, type AlerterHandoff } from '../alerter';
import type { AlertTransition } from '../types';
import { createKafkaHandoff, type AdoptedAlert, type HandedState, type HandedTold } from './handoff';

const RULES = `rules:
  - name: hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 10s
    op: '>'
    threshold: 80
    for: 20s
    group_by: [service]
    severity: warning
    summary: '{{ service }} hot'
  - name: silent
    kind: absence
    of: heartbeat
    after: 30s
    group_by: [host]
    severity: critical
    summary: '{{ host }} silent'
`;

/** A compacted topic in memory: 3 partitions, the last value per key wins, null deletes. */
class FakeStateTopic {
  readonly log: StateEntry[] = [];
  failNext = 0;
  partitionOf(routingKey: string): number {
    return routingKey.length % 3;
  }
  putMany(entries: StateEntry[]): Promise<void> {
    if (this.failNext > 0 && entries.length > 0) {
      this.failNext--;
      return Promise.reject(new Error('broker away'));
    }
    this.log.push(...entries);
    return Promise.resolve();
  }
  loadAll(partitions: number[]): Promise<Map<string, { value: unknown; partition: number }>> {
    const out = new Map<string, { value: unknown; partition: number }>();
    for (const e of this.log) {
      const p = this.partitionOf(e.routingKey);
      if (!partitions.includes(p)) continue;
      if (e.value === null) out.delete(e.key);
      else out.set(e.key, { value: e.value, partition: p });
    }
    return Promise.resolve(out);
  }
  last(key: string): HandedState | null | undefined {
    const e = [...this.log].reverse().find((x) => x.key === key);
    return e === undefined ? undefined : (e.value as HandedState | null);
  }
}

interface Hooks {
  onAssigned(ps: number[]): Promise<void>;
  onRevoked(ps: number[]): Promise<void>;
}

describe('kafka hand-off glue', () => {
  let dir: string;
  let topic: FakeStateTopic;
  const open: Array<{ alerter: Alerter; bus: MemoryBus; store: StateStore }> = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
    fs.writeFileSync(path.join(dir, 'hot.yaml'), RULES);
    topic = new FakeStateTopic();
  });
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.alerter.stop();
      await o.bus.close();
      o.store.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function replica(opts: { onTransitions?: (t: AlertTransition[]) => Promise<void> } = {}) {
    const clock = new ManualClock(T0);
    const bus = new MemoryBus();
    const store = StateStore.open(':memory:');
    const got: AlertTransition[] = [];
    const adopted: AdoptedAlert[] = [];
    const released: string[] = [];
    const inner = createKafkaHandoff({
      stateTopic: topic,
      logger: silentLogger(),
      clock,
      onAdopted: (a) => void adopted.push(...a),
      onReleased: (keys) => void released.push(...keys),
    });
    let hooks: Hooks | undefined;
    const handoff: AlerterHandoff = {
      publish: (b) => inner.publish(b),
      subscribeOptions: (ctl) => {
        const o = inner.subscribeOptions(ctl);
        hooks = o as unknown as Hooks;
        return o;
      },
    };
    const alerter = createAlerter({
      bus,
      store,
      clock,
      logger: silentLogger(),
      config: alerterConfigSchema.parse({
        rules: [dir],
        eval_interval: '1h',
        watch: false,
        reload_on_sighup: false,
      }),
      onTransitions: opts.onTransitions ?? ((t) => Promise.resolve(void got.push(...t))),
      handoff,
    });
    open.push({ alerter, bus, store });
    const send = async (at: number, service: string, value = 95) => {
      clock.set(T0 + at);
      await (
        await bus.publish('metric', [metric(at, 'cpu.percent', value, service)])
      ).done;
    };
    const tick = async (at: number) => {
      clock.set(T0 + at);
      await alerter.tick();
    };
    const beat = async (at: number, host: string) => {
      clock.set(T0 + at);
      await (
        await bus.publish('heartbeat', [heartbeat(at, host)])
      ).done;
    };
    return { alerter, clock, got, adopted, released, handoff: inner, hooks: () => hooks!, send, beat, tick };
  }

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
    const before = topic.log.length;
    await a.hooks().onRevoked([topic.partitionOf('api')]);
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
