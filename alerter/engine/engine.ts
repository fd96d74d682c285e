import type { Clock } from '../../core/clock';
import type { LookoutEvent } from '../../core/events';
import type { CompiledRule } from '../rules/compile';
import type { Alert, AlertState, AlertTransition } from '../types';
import type { Observation } from './evaluator';
import { labelOf, type LabelGetter } from './labels';
import { Router } from './router';
import type { Group, InventoryRef, PersistedAlert } from './model';
import { labelRoute } from './route';
import { RuleRuntime } from './runtime';
import { WHERE_BY_KEY, WHERE_NONE } from './where-mode';
import { scopeOf, SeriesIndex } from './series';

export type { PersistedAlert } from './model';

export interface EngineOptions {
  clock: Clock;
  latenessMs: number;
  /** Alert states from the store, so a restart neither re-pages nor forgets. */
  restore?: readonly PersistedAlert[];
  /** Absence inventories from the store: rule name → group labels. */
  inventory?: Readonly<Record<string, ReadonlyArray<Record<string, string>>>>;
  /** Keep absence inventory changes for `takeInventory` (a fleet's hand-off). */
  trackInventory?: boolean;
}

export interface EngineCounters {
  events: number;
  late: number;
}

/**
 * The streaming evaluator: routes events to compiled rules, keeps each rule's groups and alert
 * instances, and returns the transitions. No I/O: the clock is injected, persistence is the
 * caller's (via `takeChanged`), so it runs the same in `lookout run` and in `lookout test`.
 */
export class Engine {
  private runtimes = new Map<string, RuleRuntime>();
  private router = new Router<RuleRuntime>([]);
  private readonly restored = new Map<string, PersistedAlert[]>();
  private readonly inventoryLeft = new Map<string, ReadonlyArray<Record<string, string>>>();
  private readonly out: AlertTransition[] = [];
  private readonly scratch: RuleRuntime[] = [];
  readonly counters: EngineCounters = { events: 0, late: 0 };
  /** The event being routed, read by one long-lived label getter (no closure per event). */
  private cur: LookoutEvent | undefined;
  private readonly series = new SeriesIndex();
  private readonly get: LabelGetter = (n) => labelOf(this.cur!, n);

  constructor(private readonly opts: EngineOptions) {
    for (const p of opts.restore ?? []) {
      const list = this.restored.get(p.rule) ?? [];
      list.push(p);
      this.restored.set(p.rule, list);
    }
    for (const [rule, list] of Object.entries(opts.inventory ?? {})) this.inventoryLeft.set(rule, list);
  }

  now(): number {
    return this.opts.clock.now();
  }

  rules(): CompiledRule[] {
    return [...this.runtimes.values()].map((r) => r.rule);
  }

  runtime(name: string): RuleRuntime | undefined {
    return this.runtimes.get(name);
  }

  /**
   * Installs a rule set. An unchanged rule keeps its windows and alerts; a changed one starts
   * fresh windows but keeps its alert states (same name and group, same key); a removed rule's
   * firing alerts resolve.
   */
  setRules(rules: readonly CompiledRule[]): AlertTransition[] {
    const now = this.now();
    const next = new Map<string, RuleRuntime>();
    for (const rule of rules) {
      const old = this.runtimes.get(rule.name);
      if (old && old.rule.fingerprint === rule.fingerprint) {
        next.set(rule.name, old);
        continue;
      }
      const emit = (from: AlertState, g: Group, obs: Observation | undefined) => this.emit(rt, from, g, obs);
      const rt = new RuleRuntime(rule, emit, this.series, this.opts.trackInventory);
      const carried = old ? old.persisted() : (this.restored.get(rule.name) ?? []);
      this.restored.delete(rule.name);
      for (const p of carried) rt.restore(p);
      rt.startAt(now);
      if (!old) rt.seedInventory(this.inventoryLeft.get(rule.name) ?? []);
      this.inventoryLeft.delete(rule.name);
      next.set(rule.name, rt);
    }
    let discarded = false;
    for (const [name, old] of this.runtimes) {
      if (!next.has(name)) old.resolveAll(now);
      if (next.get(name) === old) continue;
      old.discard();
      discarded = true;
    }
    if (discarded) this.series.prune();
    this.runtimes = next;
    this.router = new Router([...next.values()]);
    return this.flush();
  }

  private emit(rt: RuleRuntime, from: AlertState, g: Group, obs: Observation | undefined): void {
    this.out.push({ alert: rt.alertOf(g, obs), from, to: g.alert.state, at: this.now() });
  }

  private flush(): AlertTransition[] {
    return this.out.splice(0, this.out.length);
  }

  /** Feeds a batch of events (in arrival order); returns the transitions they caused. */
  ingest(events: readonly LookoutEvent[]): AlertTransition[] {
    const now = this.now();
    const c = this.counters;
    const cands = this.scratch;
    for (let ev of events) {
      c.events++;
      if (ev.ts > now)
        ev = { ...ev, ts: now }; // a host clock ahead of ours
      else if (ev.ts < now - this.opts.latenessMs) c.late++;
      const e = ev;
      this.cur = e;
      const get = this.get;
      const n = this.router.route(e, get, cands);
      this.series.next(n > 1, scopeOf(e));
      for (let i = 0; i < n; i++) {
        const rt = cands[i]!;
        const mode = rt.whereMode;
        if (mode === WHERE_NONE) rt.ingest(e, get, now);
        else if (mode === WHERE_BY_KEY) rt.ingest(e, get, now, rt.where);
        else if (rt.where!(get)) rt.ingest(e, get, now);
      }
    }
    return this.flush();
  }

  /** Re-evaluates every group at the clock's time: `for` elapsing, windows emptying, absence. */
  tick(): AlertTransition[] {
    const now = this.now();
    for (const rt of this.runtimes.values()) rt.tick(now);
    this.series.sweep();
    return this.flush();
  }

  /**
   * One slice of a tick: the rules `slice`, `slice + slices`, ... Lets the alerter interleave
   * event batches with a long tick (tens of thousands of groups), which keeps the latency from
   * an event to its transition low.
   */
  tickSlice(slice: number, slices: number): AlertTransition[] {
    const now = this.now();
    let i = 0;
    for (const rt of this.runtimes.values()) if (i++ % slices === slice) rt.tick(now);
    if (slice === slices - 1) this.series.sweep();
    return this.flush();
  }

  /** Alert instances whose state changed since the last call, for the store. */
  takeChanged(): PersistedAlert[] {
    const out: PersistedAlert[] = [];
    // Called after every batch: with a thousand rules, two arrays per rule and call were a fifth
    // of what the alerter allocated in bench:rules' latency phase (issue 16).
    for (const rt of this.runtimes.values()) if (rt.hasChanged()) out.push(...rt.takeChanged());
    return out;
  }

  /**
   * Takes over alert states another alerter kept (a fleet's rebalance): no transitions, so a
   * firing alert is not paged again and a pending one keeps its `for` start. States of rules
   * not loaded wait for a rule of that name, as restored ones do. Returns the firing alerts
   * taken over, for notify to know them (it announces their resolve).
   */
  adopt(states: readonly PersistedAlert[]): { adopted: number; firing: Alert[] } {
    const now = this.now();
    let adopted = 0;
    const firing: Alert[] = [];
    for (const p of states) {
      const rt = this.runtimes.get(p.rule);
      if (rt) {
        const g = rt.adopt(p, now);
        adopted++;
        if (g.alert.state === 'firing') firing.push(rt.alertOf(g, undefined));
        continue;
      }
      const list = this.restored.get(p.rule) ?? [];
      list.push(p);
      this.restored.set(p.rule, list);
    }
    return { adopted, firing };
  }

  /**
   * Forgets, without transitions, the groups whose partition key `drop` selects: another
   * alerter owns their events now and has adopted their states.
   */
  release(drop: (routingKey: string) => boolean): number {
    let n = 0;
    for (const rt of this.runtimes.values()) n += rt.release((route) => drop(route));
    for (const [rule, list] of this.restored) {
      const keep = list.filter((p) => !drop(p.routingKey ?? labelRoute(p.groupLabels)));
      if (keep.length > 0) this.restored.set(rule, keep);
      else this.restored.delete(rule);
    }
    for (const [rule, list] of this.inventoryLeft)
      this.inventoryLeft.set(
        rule,
        list.filter((l) => !drop(labelRoute(l))),
      );
    return n;
  }

  /** Absence inventory entries made and forgotten since the last call, for a fleet's hand-off. */
  takeInventory(): { add: InventoryRef[]; remove: InventoryRef[] } {
    const out = { add: [] as InventoryRef[], remove: [] as InventoryRef[] };
    for (const rt of this.runtimes.values()) {
      const t = rt.inventoryChanges.take();
      out.add.push(...t.add);
      out.remove.push(...t.remove);
    }
    return out;
  }

  /**
   * Takes over absence inventory entries another alerter kept: each counts as just seen, so
   * what never shows up again is missed `after` from now, not forgotten.
   */
  adoptInventory(refs: readonly InventoryRef[]): void {
    const now = this.now();
    for (const r of refs) {
      const rt = this.runtimes.get(r.rule);
      if (rt) rt.seedInventory([r.groupLabels], now, [r.routingKey]);
      else this.inventoryLeft.set(r.rule, [...(this.inventoryLeft.get(r.rule) ?? []), r.groupLabels]);
    }
  }

  /** What absence rules have seen, for the store. */
  inventory(): Record<string, Array<Record<string, string>>> {
    const out: Record<string, Array<Record<string, string>>> = {};
    for (const [name, rt] of this.runtimes) {
      const inv = rt.inventory();
      if (inv) out[name] = inv;
    }
    return out;
  }

  groupCount(): number {
    let n = 0;
    for (const rt of this.runtimes.values()) n += rt.groups.size;
    return n;
  }
}
