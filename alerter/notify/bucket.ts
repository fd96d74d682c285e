/**
 * The first half of a dispatcher pass: mute every live alert (silences, then inhibition), route
 * it, and sort it into the groups that speak for it (the route's grouping, or an aggregate).
 * Every change of mute or route is written to the decision log.
 */
import crypto from 'node:crypto';
import type { StateStore } from '../../core/store/store';
import type { Alert } from '../types';
import { aggregateOf, placeInAggregate, type CompiledAggregate } from './aggregate';
import { recordDecision } from './decisions';
import type { GroupState } from './group';
import { inhibitedBy, type compileInhibitRules } from './inhibit';
import { muted } from './metrics';
import { groupLabels, perAlert, routeAlert, type Route } from './route';
import { activeSilences, silencing } from './silence';
import { setMuted, setRouted, type AlertRow } from './store/alerts';

export interface BucketContext {
  store: StateStore;
  root: Route;
  inhibit: ReturnType<typeof compileInhibitRules>;
  inhibitNames: string[];
  aggregate: CompiledAggregate[];
}

export interface Bucket {
  route: Route;
  labels: Record<string, string>;
  /** Firing, unmuted alerts the group speaks for now. */
  firing: AlertRow[];
  /** Alerts that went firing and resolved since the last pass (never seen firing by a pass). */
  flashed: AlertRow[];
  mutedKeys: Set<string>;
  /** Set for an aggregate: its interval and how many of its alerts fire. */
  aggregate?: { interval: number; firing: number };
}

export function groupId(route: Route, labels: Record<string, string>, aggregate = false): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return crypto
    .createHash('sha256')
    .update(`${aggregate ? 'aggregate|' : ''}${route.id}|${route.receiver}|${JSON.stringify(sorted)}`)
    .digest('hex')
    .slice(0, 20);
}

/** Silence first (people said so), then inhibition by any firing alert. */
function muteOf(
  ctx: BucketContext,
  row: AlertRow,
  firing: Alert[],
  silences: ReturnType<typeof activeSilences>,
) {
  const s = silencing(silences, {
    ...row.alert.labels,
    rule: row.alert.rule,
    alertname: row.alert.rule,
    severity: row.alert.severity,
    kind: row.alert.kind,
  });
  if (s) return { mute: `silence:${s.id}`, reason: 'silenced' };
  const inh = inhibitedBy(ctx.inhibit, firing, row.alert);
  return inh
    ? {
        mute: `inhibit:${inh.rule}:${inh.by}`,
        reason: ctx.inhibitNames[inh.rule] ?? `inhibit rule ${inh.rule}`,
      }
    : undefined;
}

function updateMute(
  ctx: BucketContext,
  r: AlertRow,
  firing: Alert[],
  silences: ReturnType<typeof activeSilences>,
  now: number,
) {
  const m = muteOf(ctx, r, firing, silences);
  const next = m?.mute ?? null;
  if (next === r.muted) return;
  setMuted(ctx.store, r.key, next);
  recordDecision(
    ctx.store,
    r.key,
    now,
    next ? 'muted' : 'unmuted',
    next ? { by: next, reason: m!.reason } : { was: r.muted },
  );
  if (next) muted.inc({ cause: next.split(':')[0]! });
  r.muted = next;
}

function updateRouted(ctx: BucketContext, r: AlertRow, routes: Route[], now: number) {
  const routed = routes.map((x) => `${x.id}->${x.receiver}`).join(' ');
  if (routed === r.routed) return;
  setRouted(ctx.store, r.key, routed);
  r.routed = routed;
  recordDecision(ctx.store, r.key, now, 'routed', {
    routes: routes.map((x) => ({ route: x.id, receiver: x.receiver, group_by: x.groupBy })),
  });
}

interface Placed {
  row: AlertRow;
  route: Route;
  flashed: boolean;
}

function add(buckets: Map<string, Bucket>, id: string, make: () => Bucket, p: Placed): Bucket {
  let b = buckets.get(id);
  if (!b) buckets.set(id, (b = make()));
  if (p.row.muted) b.mutedKeys.add(p.row.key);
  else if (p.flashed) b.flashed.push(p.row);
  else b.firing.push(p.row);
  return b;
}

/**
 * Mutes, routes and sorts `live` (firing or held flapping) and `flashed` alerts into buckets.
 * `groups` is what the groups told so far: it decides which alerts of an aggregate stay alone.
 */
export function bucketAlerts(
  ctx: BucketContext,
  live: AlertRow[],
  flashed: AlertRow[],
  groups: Map<string, GroupState>,
  now: number,
): Map<string, Bucket> {
  const firingAlerts = live.map((r) => r.alert);
  const silences = activeSilences(ctx.store, now);
  const buckets = new Map<string, Bucket>();
  const pending = new Map<
    string,
    { agg: NonNullable<ReturnType<typeof aggregateOf>>; route: Route; list: Placed[] }
  >();
  for (const row of [...live, ...flashed]) {
    updateMute(ctx, row, firingAlerts, silences, now);
    const routes = routeAlert(ctx.root, row.alert);
    updateRouted(ctx, row, routes, now);
    for (const route of routes) {
      const p = { row, route, flashed: flashed.includes(row) };
      const agg = perAlert(route) ? aggregateOf(ctx.aggregate, row.alert) : undefined;
      if (!agg) {
        placeAlone(buckets, p);
        continue;
      }
      const id = groupId(route, agg.labels, true);
      const entry = pending.get(id) ?? { agg, route, list: [] };
      entry.list.push(p);
      pending.set(id, entry);
    }
  }
  for (const [id, { agg, route, list }] of pending)
    placeAggregate(ctx, buckets, groups, id, agg, route, list, now);
  return buckets;
}

function placeAlone(buckets: Map<string, Bucket>, p: Placed): void {
  const labels = groupLabels(p.route, p.row.alert);
  add(
    buckets,
    groupId(p.route, labels),
    () => ({ route: p.route, labels, firing: [], flashed: [], mutedKeys: new Set() }),
    p,
  );
}

function placeAggregate(
  ctx: BucketContext,
  buckets: Map<string, Bucket>,
  groups: Map<string, GroupState>,
  id: string,
  agg: NonNullable<ReturnType<typeof aggregateOf>>,
  route: Route,
  list: Placed[],
  now: number,
): void {
  const firing = list.filter((p) => !p.row.muted && !p.flashed).length;
  const group = groups.get(id);
  const inAggregate = new Set([...(group?.members ?? []), ...(group?.seen ?? [])]);
  for (const p of list) {
    const own = groups.get(groupId(route, groupLabels(route, p.row.alert)));
    const told = { alone: !!own?.members.includes(p.row.key), inAggregate: inAggregate.has(p.row.key) };
    // A fire-and-resolve joins an aggregate only if it is already speaking.
    const where =
      p.flashed && !group?.lastFlushAt ? 'alone' : placeInAggregate(told, firing, agg.rule.rule.min_alerts);
    if (where === 'alone') {
      placeAlone(buckets, p);
      continue;
    }
    if (!told.inAggregate && !p.row.muted)
      recordDecision(ctx.store, p.row.key, now, 'aggregated', { group: id, by: agg.labels, firing }, id);
    const b = add(
      buckets,
      id,
      () => ({ route, labels: agg.labels, firing: [], flashed: [], mutedKeys: new Set() }),
      p,
    );
    b.aggregate = { interval: agg.rule.rule.interval, firing };
  }
}
