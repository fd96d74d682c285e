import type { LookoutEvent, MetricSample } from '../../core/events';
import { eventRoute, labelRoute } from './route';
import type { CompiledRule } from '../rules/compile';
import type { Alert, AlertState } from '../types';
import { alertOf } from './alert-of';
import type { GroupTable, Observation } from './evaluator';
import { groupKey, groupLabels, KEY_SEP, type LabelGetter, type WherePredicate } from './labels';
import { SeriesIndex } from './series';
import { ADDED, FastPath, NOTHING } from './fast-path';
import { instanceState, newGroup, type RingGroup } from './group';
import { ringLayout } from './window';
import type { Group, PersistedAlert } from './model';
import { dedupKey, step } from './state';
import { InventoryChanges, inventoryRef } from './inventory-changes';
import { whereModeOf } from './where-mode';

export type { Group, InventoryRef } from './model';

const RESOLVED_RETENTION_MS = 15 * 60_000;

const HANDLED = 0; // ingestFast's answers (see there)
const KNOWN = 1;
const UNKNOWN = 2;
const REJECTED = 3;
type Emit = (from: AlertState, g: Group, obs: Observation | undefined) => void;

/** One rule's groups and alert instances; the GroupTable its evaluator works through. */
export class RuleRuntime implements GroupTable<unknown> {
  readonly groups = new Map<string, Group>();
  private readonly changed = new Set<Group>();
  /** Absence inventory entries made and forgotten since the fleet's hand-off last took them. */
  readonly inventoryChanges: InventoryChanges;

  /** Set for a ring rule whose quiet samples may skip the group object (fast-path.ts). */
  private readonly fast: FastPath | undefined;
  // The rule's fields every sample reads, kept here too (one object per rule on the hot path),
  // and how the engine applies the rule's `where` (where-mode.ts).
  private readonly groupById: number;
  private readonly keyBy: string[];
  readonly whereMode: number;
  readonly where: WherePredicate | undefined;

  constructor(
    readonly rule: CompiledRule,
    private readonly emit: Emit,
    private readonly series: SeriesIndex,
    /** Keep absence inventory changes for a fleet's hand-off (takeInventory). */
    trackInventory = false,
  ) {
    this.inventoryChanges = new InventoryChanges(rule.name, trackInventory && !!rule.evaluator.seed);
    const { ring, fast } = rule.evaluator;
    const layout = ring && ringLayout(ring);
    this.fast = layout && fast ? new FastPath(layout, fast, rule.timing.forMs) : undefined;
    this.groupById = rule.groupById;
    this.keyBy = rule.keyBy;
    this.whereMode = whereModeOf(rule);
    this.where = rule.where;
  }

  /** The event being ingested, so a group it creates learns its partition key. */
  private cur: LookoutEvent | undefined;
  private create(key: string, labels: Record<string, string>): Group {
    const route = this.cur ? eventRoute(this.cur) : undefined;
    const ev = this.rule.evaluator;
    const g = newGroup(() => ev.newState(), ev.ring, key, labels, dedupKey(this.rule.name, labels), route);
    this.groups.set(key, g);
    this.inventoryChanges.made(g);
    return g;
  }

  private forget(g: Group): void {
    this.groups.delete(g.key);
    g.live = false;
    this.inventoryChanges.forgotten(g);
  }

  byEvent(get: LabelGetter): Group {
    if (!this.series.shared) {
      const key = groupKey(this.keyBy, get);
      return this.groups.get(key) ?? this.create(key, groupLabels(this.rule.groupBy, get).labels);
    }
    const rec = this.series.record(this.groupById, this.keyBy, get);
    const known = SeriesIndex.find<Group>(rec, this);
    if (known) return known;
    const g = this.groups.get(rec.key) ?? this.create(rec.key, groupLabels(this.rule.groupBy, get).labels);
    if (this.fast) SeriesIndex.remember(rec, this, g, (g as RingGroup).header, (g as RingGroup).histograms);
    else SeriesIndex.remember(rec, this, g);
    return g;
  }

  /** This runtime is being replaced or removed: its groups are no one's any more. */
  discard(): void {
    for (const g of this.groups.values()) g.live = false;
  }

  byLabels(labels: Record<string, string>): Group {
    const key = this.keyOf(labels);
    return (
      this.groups.get(key) ?? this.create(key, groupLabels(this.rule.groupBy, (n) => labels[n] ?? '').labels)
    );
  }

  all(): Iterable<Group> {
    return [...this.groups.values()];
  }

  drop(key: string): void {
    const g = this.groups.get(key);
    if (!g) return;
    this.forget(g);
    this.settle(g, undefined);
  }

  /** Ends a group's alert: firing resolves, pending goes back to inactive. */
  private settle(g: Group, obs: Observation | undefined, now = this.lastNow): void {
    const from = g.alert.state;
    if (from === 'firing') {
      g.alert.state = 'resolved';
      g.alert.resolvedAt = now;
    } else if (from === 'pending') {
      g.alert.state = 'inactive';
      g.alert.activeAt = undefined;
    } else return;
    this.changed.add(g);
    this.emit(from, g, obs ?? this.rule.evaluator.evaluate(g.s, now, from === 'firing', true));
  }

  private lastNow = 0;

  /**
   * Feeds one event the router gave this rule. `unchecked`: a `where` on key labels (WHERE_BY_KEY),
   * tested only for a series whose group the series index does not hold yet (which passed it).
   */
  ingest(ev: LookoutEvent, get: LabelGetter, now: number, unchecked?: WherePredicate): void {
    const r = this.fast ? this.ingestFast(ev as MetricSample, get, now, unchecked) : UNKNOWN;
    if (r === REJECTED || (r === UNKNOWN && unchecked && !unchecked(get))) return;
    this.lastNow = now;
    if (r === HANDLED) return;
    this.cur = ev;
    const touched = this.rule.evaluator.ingest(ev, get, this, now) as Group | Group[] | undefined;
    this.cur = undefined;
    if (touched === undefined) return;
    if (Array.isArray(touched)) for (const g of touched) this.evaluate(g, now);
    else this.evaluate(touched, now);
  }

  /**
   * A sample of a known group, through its header alone when quiet. HANDLED: done; KNOWN: the
   * `where` passes, take the whole path; UNKNOWN: not known yet; REJECTED: `unchecked` said no.
   */
  private ingestFast(ev: MetricSample, get: LabelGetter, now: number, unchecked?: WherePredicate): number {
    let g: RingGroup | undefined;
    let done: number;
    if (this.series.shared) {
      const rec = this.series.record(this.groupById, this.keyBy, get);
      const i = SeriesIndex.indexOf(rec, this);
      if (i < 0) return UNKNOWN;
      done = this.fast!.ingestPair(rec.pairs, i, ev, now);
      g = rec.pairs[i + 1] as RingGroup;
    } else {
      // A group in the rule's Map may be a restored one, made without this series' labels.
      if (unchecked && !unchecked(get)) return REJECTED;
      g = this.groups.get(groupKey(this.keyBy, get)) as RingGroup | undefined;
      if (!g) return KNOWN;
      done = this.fast!.ingest(g.header, g.histograms, ev, now);
    }
    if (done === ADDED) this.evaluate(g, now);
    return done === NOTHING ? KNOWN : HANDLED;
  }

  evaluate(g: Group, now: number): void {
    const obs = this.rule.evaluator.evaluate(g.s, now, g.alert.state === 'firing');
    if (g.holdUntil !== undefined) {
      if (now < g.holdUntil && !obs.active) return;
      g.holdUntil = undefined;
    }
    const from = step(g.alert, obs, now, this.rule.timing);
    if (from === undefined) return;
    this.changed.add(g);
    this.emit(from, g, this.rule.evaluator.evaluate(g.s, now, from === 'firing', true));
  }

  tick(now: number): void {
    this.lastNow = now;
    for (const g of this.groups.values()) {
      this.evaluate(g, now);
      const st = g.alert.state;
      // Resolved alerts stay a while, for `explain` and for tests that look at them.
      const done =
        st === 'inactive' || (st === 'resolved' && now - (g.alert.resolvedAt ?? 0) > RESOLVED_RETENTION_MS);
      if (done && g.holdUntil === undefined && this.rule.evaluator.idle(g.s, now)) {
        this.forget(g);
      }
    }
  }

  restore(p: PersistedAlert): void {
    const g = this.byLabels(p.groupLabels);
    const { key: _k, rule: _r, groupLabels: _g, routingKey, ...state } = p;
    g.alert = state;
    this.inventoryChanges.notNews(g);
    g.route = routingKey ?? g.route ?? labelRoute(p.groupLabels);
    g.holdUntil = this.lastNow + this.rule.warmupMs;
  }

  /**
   * Takes over a group another alerter evaluated (a fleet's rebalance): its alert state as it
   * was, with no transition (a firing alert was paged already), held until the windows refill.
   */
  adopt(p: PersistedAlert, now: number): Group {
    this.restore(p);
    const g = this.groups.get(this.keyOf(p.groupLabels))!;
    g.holdUntil = now + this.rule.warmupMs;
    return g;
  }

  /** Forgets the groups `drop` selects without a transition: another alerter owns them now. */
  release(drop: (route: string, g: Group) => boolean): number {
    let n = 0;
    for (const g of [...this.groups.values()]) {
      if (!drop(g.route ?? labelRoute(g.labels), g)) continue;
      this.groups.delete(g.key);
      g.live = false;
      this.changed.delete(g);
      this.inventoryChanges.notNews(g);
      n++;
    }
    return n;
  }

  private keyOf(labels: Record<string, string>): string {
    return this.keyBy.map((n) => labels[n] ?? '').join(KEY_SEP);
  }

  /** The group's condition at `now`, in words (explain, test failures). */
  explainGroup(g: Group, now: number): string {
    const o = this.rule.evaluator.evaluate(g.s, now, g.alert.state === 'firing', true);
    return o.detail || 'no detail';
  }

  /** Absence inventories: groups remembered from before a restart, seeded as just seen. */
  seedInventory(
    list: ReadonlyArray<Record<string, string>>,
    now = this.lastNow,
    routes?: readonly string[],
  ): void {
    const ev = this.rule.evaluator;
    if (!ev.seed) return;
    list.forEach((labels, i) => {
      const had = this.groups.has(this.keyOf(labels));
      const g = this.byLabels(labels);
      // Seeded from what was kept: not news for the hand-off.
      if (!had) this.inventoryChanges.notNews(g);
      if (routes?.[i]) g.route = routes[i];
      ev.seed!(g.s, now);
    });
  }

  inventory(): Array<Record<string, string>> | undefined {
    if (!this.rule.evaluator.seed) return undefined;
    return [...this.groups.values()].map((g) => g.labels);
  }

  /** Sets the time restored groups hold from (the engine's clock at install). */
  startAt(now: number): void {
    for (const g of this.groups.values())
      if (g.holdUntil !== undefined) g.holdUntil = now + this.rule.warmupMs;
    this.lastNow = now;
  }

  persisted(): PersistedAlert[] {
    return [...this.groups.values()]
      .filter((g) => g.alert.state !== 'inactive')
      .map((g) => this.toPersisted(g));
  }

  private toPersisted(g: Group): PersistedAlert {
    return { ...inventoryRef(this.rule.name, g), ...instanceState(g.alert) };
  }

  hasChanged(): boolean {
    return this.changed.size > 0;
  }

  takeChanged(): PersistedAlert[] {
    const out = [...this.changed].map((g) => this.toPersisted(g));
    this.changed.clear();
    return out;
  }

  resolveAll(now: number): void {
    for (const g of this.groups.values()) this.settle(g, undefined, now);
  }

  alertOf(g: Group, obs: Observation | undefined): Alert {
    return alertOf(this.rule, g, obs);
  }
}
