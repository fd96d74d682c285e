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
 * notify's tables and outbox are per replica, so what the receivers were told travels too:
 * each delivery notify reports (noteDelivered) is recorded under `ntf:<alert key>`, per
 * receiver (firing of which firedAt, or resolved). The new owner hands the firing alerts it
 * adopts to its notify with those records (onAdopted → notify's takeOver): a receiver already
 * told of that firing is not paged again (no double page on a webhook or mail, which have no
 * dedup key), one that was not (the page still in the dead replica's group_wait or outbox) is
 * paged now (no lost page), and every receiver gets the resolve from the new owner. Recording
 * deliveries, rather than having the engine or the hand-off guess, is the point: only the
 * outbox knows whether a page left, and only a record written after it left can say so.
 *
 * Limits, on purpose:
 * - Windows (sliding aggregates) are not handed off: an adopted group is held (no resolve, no
 *   pending cleared) for the rule's warm-up (its window) while fresh events refill it.
 * - A page decided by a tick (`for` elapsed) is written to the state topic after the tick; a
 *   replica killed in between leaves the pending state, and the new owner pages again with the
 *   same dedup key (PagerDuty absorbs it).
 * - A delivery is recorded just after it; a kill between the two repeats that page once on the
 *   new owner, and so does a delivery racing a graceful rebalance (the old owner's record lands
 *   after the new owner loaded). On revocation the old owner's notify forgets the moved alerts
 *   and drops their unsent pages (onReleased → notify's release): the new owner sends those.
 *   A replica starting forgets every alert its notify remembers (cli/alerter.ts), likewise.
 * - A resolve decided but not yet delivered when the owner dies is not re-sent by the new owner
 *   (it adopts the state as resolved, and only firing alerts are handed to notify).
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
import type { DeliveryNote, Told } from '../notify/types';
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
   * Firing alerts this replica took over, with their flap history and what each receiver was
   * told of them. The engine emits no transition for them; notify, whose tables are per
   * replica, must learn them here (notify's takeOver), or it drops their later resolve as
   * "never seen firing". Awaited before the partitions' events are evaluated; a rejection
   * retries the whole assignment.
   */
  onAdopted?(adopted: AdoptedAlert[]): Promise<void> | void;
  /**
   * Alerts of revoked partitions (keys): another replica owns them now, and its notify learns
   * them (onAdopted). Notify's tables here should forget them (notify's release), or they are
   * repeated from here after repeat_interval. A rejection is logged, the revocation stands.
   */
  onReleased?(keys: string[]): Promise<void> | void;
  /** Assignment changes as they are handled (tests, logs). */
  onAssignment?(e: { kind: 'assigned' | 'revoked'; partitions: number[]; states: number }): void;
}

export interface AdoptedAlert {
  alert: Alert;
  /** When it went firing or resolved lately (event time, ms), oldest first. */
  changes: number[];
  /** Per receiver: what it was last told of the alert, by any replica (empty: nothing recorded). */
  told: Record<string, Told>;
}

/** Deliveries of one alert in the topic, under `ntf:<alert key>`: per receiver, what it was told last. */
export interface HandedTold {
  v: 1;
  routingKey: string;
  receivers: Record<string, Told>;
}
const TOLD_PREFIX = 'ntf:';

/** The fleet's hand-off, plus the delivery records notify feeds it (NotifierDeps.onDelivered). */
export interface KafkaHandoff extends AlerterHandoff {
  /**
   * Records what a receiver was told, for the alerts this replica owns (others are skipped: their
   * new owner keeps their records). Writes are serialized; resolves once this one is in the topic
   * (or failed: logged, never thrown).
   */
  noteDelivered(note: DeliveryNote): Promise<void>;
}

/** An absence rule's inventory entry in the topic, under `inv:<alert key>`. */
export interface HandedInventory extends InventoryRef {
  v: 1;
}
const INVENTORY_PREFIX = 'inv:';

/** Delivery records kept for alerts whose state is not (or no longer) handed off here. */
const MAX_UNFILED = 10_000;
/** Flap history kept per alert: enough for any sane flapping threshold. */
const MAX_CHANGES = 32;
/** Resolved states are kept (for their flap history) this long, then deleted by the next loader. */
const RESOLVED_KEEP_MS = 60 * 60_000;

const live = (p: PersistedAlert): boolean =>
  p.state === 'pending' || p.state === 'firing' || p.state === 'resolved';

export function createKafkaHandoff(opts: KafkaHandoffOptions): KafkaHandoff {
  const { stateTopic, clock } = opts;
  const log = opts.logger.child({ component: 'alerter-handoff' });
  const changes = new Map<string, number[]>();
  /** Delivery records of the alerts owned here, and each owned alert's routing key (to file them). */
  const told = new Map<string, Record<string, Told>>();
  const routes = new Map<string, string>();
  /**
   * Deliveries of alerts whose state was not handed off yet (a page may leave before the tick
   * that decided it publishes its state): written with that state. Also gathers deliveries of
   * alerts moved away meanwhile, which are never written: hence the cap.
   */
  const unfiled = new Set<string>();
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

  const toldEntry = (key: string, receivers: Record<string, Told>, routingKey: string): StateEntry => {
    const value: HandedTold = { v: 1, routingKey, receivers };
    return { key: TOLD_PREFIX + key, value, routingKey };
  };

  const entriesOf = (p: PersistedAlert, filed: string[]): StateEntry[] => {
    const routingKey = p.routingKey ?? '';
    if (!live(p)) {
      changes.delete(p.key);
      routes.delete(p.key);
      const out: StateEntry[] = [{ key: p.key, value: null, routingKey }];
      unfiled.delete(p.key);
      if (told.delete(p.key)) out.push({ key: TOLD_PREFIX + p.key, value: null, routingKey });
      return out;
    }
    routes.set(p.key, routingKey);
    const value: HandedState = { ...p, routingKey, v: 1, changes: changes.get(p.key) ?? [] };
    const out: StateEntry[] = [{ key: p.key, value, routingKey }];
    const rec = told.get(p.key);
    if (unfiled.has(p.key) && rec) {
      out.push(toldEntry(p.key, rec, routingKey));
      filed.push(p.key);
    }
    return out;
  };

  const publish = async ({ changed, transitions, inventory }: HandoffBatch): Promise<void> => {
    noteChanges(transitions);
    // The last state of a key wins (a batch may move one alert twice).
    const last = new Map<string, PersistedAlert>();
    for (const p of changed) last.set(p.key, p);
    const filed: string[] = [];
    const entries = [...last.values()].flatMap((p) => entriesOf(p, filed));
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
    // Only once written: a refused batch is merged into the next and files them then.
    for (const k of filed) unfiled.delete(k);
    m.published.inc(entries.length);
  };

  let writing: Promise<void> = Promise.resolve();
  const noteDelivered = (note: DeliveryNote): Promise<void> => {
    const keys = new Set<string>();
    const mark = (a: { key: string; firedAt?: number }, status: Told['status']): void => {
      const rec = told.get(a.key) ?? {};
      rec[note.receiver] = { status, firedAt: a.firedAt, incidentKey: note.incidentKey, at: note.at };
      told.set(a.key, rec);
      if (routes.has(a.key)) keys.add(a.key);
      else {
        if (unfiled.size >= MAX_UNFILED) {
          for (const k of unfiled) told.delete(k);
          unfiled.clear();
        }
        unfiled.add(a.key);
      }
    };
    for (const a of note.firing) mark(a, 'firing');
    for (const a of note.resolved) mark(a, 'resolved');
    if (keys.size === 0) return writing;
    // Serialized, each write carrying the record as it is by then: no write undoes an earlier receiver's.
    writing = writing.then(async () => {
      const entries: StateEntry[] = [];
      for (const k of keys) {
        const rec = told.get(k);
        const routingKey = routes.get(k);
        if (rec && routingKey !== undefined) entries.push(toldEntry(k, rec, routingKey));
      }
      try {
        await stateTopic.putMany(entries);
        m.published.inc(entries.length);
      } catch (err) {
        log.warn({ err }, 'delivery records not written: the next owner of these alerts may page them again');
      }
    });
    return writing;
  };

  const assigned = async (ctl: HandoffControl, partitions: number[]): Promise<void> => {
    const loaded = await stateTopic.loadAll(partitions);
    const now = clock.now();
    const states: HandedState[] = [];
    const stale: StateEntry[] = [];
    const inventory: InventoryRef[] = [];
    const records = new Map<string, HandedTold>();
    for (const [key, { value }] of loaded) {
      if (key.startsWith(INVENTORY_PREFIX)) {
        const r = value as HandedInventory | null;
        if (r?.v === 1) inventory.push(r);
        continue;
      }
      if (key.startsWith(TOLD_PREFIX)) {
        const r = value as HandedTold | null;
        if (r?.v === 1) records.set(key.slice(TOLD_PREFIX.length), r);
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
    for (const s of states) {
      changes.set(s.key, s.changes ?? []);
      routes.set(s.key, s.routingKey ?? '');
      const rec = records.get(s.key);
      unfiled.delete(s.key);
      if (rec) told.set(s.key, rec.receivers);
      else told.delete(s.key);
      records.delete(s.key);
    }
    // What is left are records of alerts whose state is gone (deleted just above, or before).
    for (const [k, r] of records) stale.push({ key: TOLD_PREFIX + k, value: null, routingKey: r.routingKey });
    const { firing } = await ctl.exclusive((engine) => {
      engine.adoptInventory(inventory);
      return engine.adopt(states);
    });
    if (firing.length > 0)
      await opts.onAdopted?.(
        firing.map((alert) => ({
          alert,
          changes: changes.get(alert.key) ?? [],
          told: { ...told.get(alert.key) },
        })),
      );
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
    // Their delivery records are the new owner's to keep now.
    const moved: string[] = [];
    for (const [k, route] of routes)
      if (set.has(partitionOf(route))) {
        routes.delete(k);
        told.delete(k);
        moved.push(k);
      }
    if (moved.length > 0)
      await Promise.resolve(opts.onReleased?.(moved)).catch((err: unknown) =>
        log.warn({ err, alerts: moved.length }, 'notify did not release the moved alerts'),
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
    noteDelivered,
  };
}
