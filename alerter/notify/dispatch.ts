/**
 * One dispatcher pass, in one transaction: mute, route and bucket the alerts (bucket.ts), let
 * every group decide and queue what it says (speak.ts). Everything it remembers is in the store,
 * so a pass after a restart picks up the timers where the last process left them.
 */
import type { StateStore } from '../../core/store/store';
import type { LinksConfig } from '../links';
import { compileAggregateRules, type CompiledAggregate } from './aggregate';
import { bucketAlerts, type Bucket } from './bucket';
import { recordDecision } from './decisions';
import type { NotifyConfig } from './config';
import { compileInhibitRules } from './inhibit';
import { compileRoutes, type Route } from './route';
import { speak } from './speak';
import {
  ackedKeys,
  deleteAlert,
  loadAlerts,
  markSeen,
  settleFlappingOf,
  type AlertRow,
} from './store/alerts';
import { loadGroups } from './store/groups';
import type { RelatedAlert } from './types';

export { groupId } from './bucket';
export { loadGroups, saveGroup } from './store/groups';

export interface DispatchContext {
  store: StateStore;
  root: Route;
  inhibit: ReturnType<typeof compileInhibitRules>;
  /** Each inhibit rule's name (or a description), by index, for the decision log and pages. */
  inhibitNames: string[];
  aggregate: CompiledAggregate[];
  links: LinksConfig;
  flappingWindow: number;
}

/** The config compiled once for every pass: routes, inhibit and aggregate rules. */
export function dispatchContext(store: StateStore, config: NotifyConfig): DispatchContext {
  return {
    store,
    root: compileRoutes(config),
    inhibit: compileInhibitRules(config.inhibit_rules),
    inhibitNames: config.inhibit_rules.map((r, i) => r.name ?? `inhibit rule ${i}`),
    aggregate: compileAggregateRules(config.aggregate),
    links: config.links,
    flappingWindow: config.flapping.window,
  };
}

/** A flapping alert is held firing until it has been quiet for the window. */
function settleFlapping(ctx: DispatchContext, rows: AlertRow[], now: number): void {
  for (const r of rows) {
    if (r.flapping && r.status === 'resolved' && now - r.lastChange >= ctx.flappingWindow) {
      r.flapping = false;
      settleFlappingOf(ctx.store, r.key);
      recordDecision(ctx.store, r.key, now, 'flapping', { settled: true });
    }
  }
}

function findRoute(root: Route, id: string): Route | undefined {
  if (root.id === id) return root;
  for (const c of root.children) {
    const r = findRoute(c, id);
    if (r) return r;
  }
  return undefined;
}

/** Firing alerts muted by inhibition, listed under the alert that mutes them. */
function mutedByKey(ctx: DispatchContext, live: AlertRow[]): Map<string, RelatedAlert[]> {
  const out = new Map<string, RelatedAlert[]>();
  for (const r of live) {
    const m = /^inhibit:(\d+):(.+)$/.exec(r.muted ?? '');
    if (!m || r.status !== 'firing') continue;
    const by = m[2]!;
    const list = out.get(by) ?? [];
    list.push({
      key: r.key,
      rule: r.alert.rule,
      summary: r.alert.summary,
      labels: r.alert.labels,
      reason: ctx.inhibitNames[Number(m[1])] ?? `inhibit rule ${m[1]}`,
      by,
    });
    out.set(by, list);
  }
  return out;
}

/** Runs one pass at `now`; returns how many notifications it queued. */
export function dispatch(ctx: DispatchContext, now: number): number {
  const { store } = ctx;
  return store.tx(() => {
    const rows = loadAlerts(store);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    settleFlapping(ctx, rows, now);
    const live = rows.filter((r) => r.status === 'firing' || r.flapping);
    const flashed = rows.filter((r) => r.unseen && r.status === 'resolved' && !r.flapping);
    const groups = loadGroups(store);
    const buckets: Map<string, Bucket> = bucketAlerts(ctx, live, flashed, groups, now);
    const speakCtx = { store, links: ctx.links, mutedBy: mutedByKey(ctx, live) };
    const acked = ackedKeys(store);
    let queued = 0;
    for (const id of new Set([...groups.keys(), ...buckets.keys()])) {
      const bucket = buckets.get(id);
      const prev = groups.get(id);
      const route = bucket?.route ?? findRoute(ctx.root, prev!.route) ?? ctx.root;
      queued += speak(speakCtx, { id, route, bucket, prev, byKey, acked, now });
    }
    for (const r of rows) if (r.unseen) markSeen(store, r.key);
    forgetDone(ctx, rows, now);
    return queued;
  });
}

/** Resolved alerts no group still has to announce are done with, once they no longer count towards flapping. */
function forgetDone(ctx: DispatchContext, rows: AlertRow[], now: number): void {
  const needed = new Set([...loadGroups(ctx.store).values()].flatMap((g) => [...g.members, ...g.seen]));
  for (const r of rows) {
    if (
      r.status === 'resolved' &&
      !r.flapping &&
      !needed.has(r.key) &&
      now - r.lastChange >= ctx.flappingWindow
    )
      deleteAlert(ctx.store, r.key);
  }
}
