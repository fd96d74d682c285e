/**
 * The fleet's hand-off of alert states between alerter replicas of one consumer group.
 *
 * Every alert state lives in the compacted state topic under its dedup key, in the partition
 * number its events arrive on (the group's partition key: service, else host). A replica writes
 * the states a batch changed after their transitions are in its outbox and before the batch's
 * offsets are committed; a replica that is assigned partitions reads their states before it
 * sees any of their events (the bus gates them on `onAssigned`) and takes them over without a
 * transition: a firing alert is not paged again, a pending one keeps its `for` start. On
 * revocation the groups are forgotten, again without a transition (the new owner resolves them).
 * Absence inventories (hosts, series, services an absence rule expects) travel the same way,
 * under `inv:<alert key>`, and are seeded on the new owner as seen at the hand-off.
 *
 * Limits, on purpose:
 * - Windows (sliding aggregates) are not handed off: an adopted group is held (no resolve, no
 *   pending cleared) for the rule's warm-up (its window) while fresh events refill it.
 * - A page decided by a tick (`for` elapsed) is written to the state topic after the tick; a
 *   replica killed in between leaves the pending state, and the new owner pages again with the
 *   same dedup key (PagerDuty absorbs it).
 * - notify's outbox and tables are per replica: a page queued in a killed replica's outbox waits
 *   for that replica's store. Wiring onAdopted to notify (adoptionTransitions) re-announces
 *   adopted firing alerts once, which covers it and lets notify announce their resolve.
 * - A quiet host seeded at the hand-off is missed `after` from the hand-off, not from its last
 *   heartbeat.
 */
import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { SubscribeOptions } from '../../core/bus/bus';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { AlerterHandoff, HandoffBatch, HandoffControl } from '../alerter';
import type { PersistedAlert } from '../engine/engine';
import type { InventoryRef } from '../engine/runtime';
import type { Alert, AlertTransition } from '../types';
import { handoffMetrics as m } from './metrics';

/** What the hand-off needs of core/bus/kafka's StateTopic (KafkaBus.stateTopic()). */
export interface StateStoreTopic {
  putMany(entries: StateEntry[]): Promise<void>;
  loadAll(partitions: number[]): Promise<Map<string, { value: unknown; partition: number }>>;
  partitionOf(routingKey: string): number;
}

/** One alert state in the topic: the engine's persisted state and its recent firing/resolved times. */
export interface HandedState extends PersistedAlert {
  v: 1;
  /** Times (event time, ms) it went firing or resolved lately: notify's flap count, carried across. */
  changes: number[];
}

export interface KafkaHandoffOptions {
  stateTopic: StateStoreTopic;
  logger: Logger;
  clock: Clock;
  /**
   * Firing alerts this replica took over, with their flap history (firing/resolved times). The
   * engine emits no transition for them; notify, whose tables are per replica, should learn
   * them here, or it will drop their later resolve as "never seen firing". Awaited before the
   * partitions' events are evaluated; a rejection retries the whole assignment.
   * See adoptionTransitions for the wiring with today's notify.
   */
  onAdopted?(adopted: AdoptedAlert[]): Promise<void> | void;
  /** Assignment changes as they are handled (tests, logs). */
  onAssignment?(e: { kind: 'assigned' | 'revoked'; partitions: number[]; states: number }): void;
}

export interface AdoptedAlert {
  alert: Alert;
  /** When it went firing or resolved lately (event time, ms), oldest first. */
  changes: number[];
}

/**
 * The adopted alerts as firing→firing transitions, for notify's `handle`: notify then knows them
 * and announces their resolve. It also announces them once more as firing: PagerDuty's
 * dedup_key (the alert key) absorbs that repeat; a webhook or e-mail receiver sees it.
 */
export function adoptionTransitions(adopted: readonly AdoptedAlert[]): AlertTransition[] {
  return adopted.map(({ alert }) => ({
    alert,
    from: 'firing',
    to: 'firing',
    at: alert.firedAt ?? alert.activeAt ?? 0,
  }));
}

/** An absence rule's inventory entry in the topic, under `inv:<alert key>`. */
export interface HandedInventory extends InventoryRef {
  v: 1;
}
const INVENTORY_PREFIX = 'inv:';

/** Flap history kept per alert: enough for any sane flapping threshold. */
const MAX_CHANGES = 32;
/** Resolved states are kept (for their flap history) this long, then deleted by the next loader. */
const RESOLVED_KEEP_MS = 60 * 60_000;

const live = (p: PersistedAlert): boolean =>
  p.state === 'pending' || p.state === 'firing' || p.state === 'resolved';

export function createKafkaHandoff(opts: KafkaHandoffOptions): AlerterHandoff {
  const { stateTopic, clock } = opts;
  const log = opts.logger.child({ component: 'alerter-handoff' });
  const changes = new Map<string, number[]>();
  const partitionCache = new Map<string, number>();
  const partitionOf = (routingKey: string): number => {
    let p = partitionCache.get(routingKey);
    if (p === undefined) {
      p = stateTopic.partitionOf(routingKey);
      if (partitionCache.size > 100_000) partitionCache.clear();
      partitionCache.set(routingKey, p);
    }
    return p;
  };

  const noteChanges = (transitions: readonly AlertTransition[]): void => {
    for (const t of transitions) {
      const announced =
        t.to === 'firing' || t.to === 'resolved' || (t.to === 'inactive' && t.from === 'firing');
      if (!announced) continue;
      const list = changes.get(t.alert.key) ?? [];
      list.push(t.at);
      if (list.length > MAX_CHANGES) list.splice(0, list.length - MAX_CHANGES);
      changes.set(t.alert.key, list);
    }
  };

  const entryOf = (p: PersistedAlert): StateEntry => {
    const routingKey = p.routingKey ?? '';
    if (!live(p)) {
      changes.delete(p.key);
      return { key: p.key, value: null, routingKey };
    }
    const value: HandedState = { ...p, routingKey, v: 1, changes: changes.get(p.key) ?? [] };
    return { key: p.key, value, routingKey };
  };

  const publish = async ({ changed, transitions, inventory }: HandoffBatch): Promise<void> => {
    noteChanges(transitions);
    // The last state of a key wins (a batch may move one alert twice).
    const last = new Map<string, PersistedAlert>();
    for (const p of changed) last.set(p.key, p);
    const entries = [...last.values()].map(entryOf);
    // Removals first: an entry forgotten and made again in one batch stays.
    for (const r of inventory.remove)
      entries.push({ key: INVENTORY_PREFIX + r.key, value: null, routingKey: r.routingKey });
    for (const r of inventory.add)
      entries.push({
        key: INVENTORY_PREFIX + r.key,
        value: { ...r, v: 1 } satisfies HandedInventory,
        routingKey: r.routingKey,
      });
    await stateTopic.putMany(entries);
    m.published.inc(entries.length);
  };

  const assigned = async (ctl: HandoffControl, partitions: number[]): Promise<void> => {
    const loaded = await stateTopic.loadAll(partitions);
    const now = clock.now();
    const states: HandedState[] = [];
    const stale: StateEntry[] = [];
    const inventory: InventoryRef[] = [];
    for (const [key, { value }] of loaded) {
      if (key.startsWith(INVENTORY_PREFIX)) {
        const r = value as HandedInventory | null;
        if (r?.v === 1) inventory.push(r);
        continue;
      }
      const s = value as HandedState | null;
      if (!s || s.v !== 1 || !live(s)) continue;
      if (s.state === 'resolved' && now - (s.resolvedAt ?? 0) > RESOLVED_KEEP_MS) {
        stale.push({ key, value: null, routingKey: s.routingKey ?? '' });
        continue;
      }
      states.push(s);
    }
    for (const s of states) changes.set(s.key, s.changes ?? []);
    const { firing } = await ctl.exclusive((engine) => {
      engine.adoptInventory(inventory);
      return engine.adopt(states);
    });
    if (firing.length > 0)
      await opts.onAdopted?.(firing.map((alert) => ({ alert, changes: changes.get(alert.key) ?? [] })));
    // Compaction keeps a key until it is deleted: resolved states past their use are deleted here.
    await stateTopic
      .putMany(stale)
      .catch((err: unknown) => log.warn({ err }, 'stale alert states not deleted'));
    m.adopted.inc(states.length);
    log.info(
      {
        partitions,
        states: states.length,
        inventory: inventory.length,
        firing: states.filter((s) => s.state === 'firing').length,
      },
      'partitions assigned: alert states adopted',
    );
    opts.onAssignment?.({ kind: 'assigned', partitions, states: states.length });
  };

  const revoked = async (ctl: HandoffControl, partitions: number[]): Promise<void> => {
    const set = new Set(partitions);
    const n = await ctl.exclusive((engine) =>
      engine.release((routingKey) => set.has(partitionOf(routingKey))),
    );
    m.released.inc(n);
    log.info({ partitions, groups: n }, 'partitions revoked: their groups are forgotten here');
    opts.onAssignment?.({ kind: 'revoked', partitions, states: n });
  };

  return {
    subscribeOptions: (ctl): SubscribeOptions => {
      // The bus's hooks (core/bus/kafka KafkaSubscribeOptions): extra keys an in-process bus ignores.
      const hooks = {
        onAssigned: (partitions: number[]) => assigned(ctl, partitions),
        onRevoked: (partitions: number[]) => revoked(ctl, partitions),
      };
      return hooks as SubscribeOptions;
    },
    publish,
  };
}
