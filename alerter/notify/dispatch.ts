/**
 * One dispatcher pass, in one transaction: mute (silences, inhibition), route, group, and put
 * what a group has to say into the outbox. Everything it remembers is in the store, so a pass
 * after a restart picks up the timers where the last process left them.
 */
import crypto from 'node:crypto';
import type { StateStore } from '../../core/store/store';
import type { Alert } from '../types';
import { buildLinks, explainUrl, type LinksConfig } from '../links';
import { recordDecision } from './decisions';
import { decide, type GroupState } from './group';
import { inhibitedBy, type compileInhibitRules } from './inhibit';
import { muted, notificationsQueued } from './metrics';
import { enqueue } from './outbox';
import { groupLabels, routeAlert, type Route } from './route';
import { activeSilences, silencing } from './silence';
import type { Notification, NotifiedAlert } from './types';

export interface DispatchContext {
  store: StateStore;
  root: Route;
  inhibit: ReturnType<typeof compileInhibitRules>;
  links: LinksConfig;
  flappingWindow: number;
}

interface AlertRow {
  key: string;
  alert: Alert;
  status: 'firing' | 'resolved';
  updatedAt: number;
  since: number;
  flapping: boolean;
  muted: string | null;
  routed: string | null;
  lastChange: number;
}

function loadAlerts(store: StateStore): AlertRow[] {
  const rows = store.db.prepare('SELECT * FROM notify_alerts').all() as Array<Record<string, unknown>>;
  return rows.map((r) => {
    const changes = JSON.parse(r.changes as string) as number[];
    return {
      key: r.key as string,
      alert: JSON.parse(r.alert as string) as Alert,
      status: r.status as AlertRow['status'],
      updatedAt: r.updated_at as number,
      since: r.since as number,
      flapping: r.flapping === 1,
      muted: r.muted as string | null,
      routed: r.routed as string | null,
      lastChange: changes[changes.length - 1] ?? (r.updated_at as number),
    };
  });
}

export function loadGroups(store: StateStore): Map<string, GroupState> {
  const rows = store.db.prepare('SELECT * FROM notify_groups').all() as Array<Record<string, unknown>>;
  return new Map(
    rows.map((r) => [
      r.id as string,
      {
        id: r.id as string,
        route: r.route as string,
        receiver: r.receiver as string,
        labels: JSON.parse(r.labels as string) as Record<string, string>,
        incidentKey: (r.incident_key as string | null) ?? undefined,
        firstAt: (r.first_at as number | null) ?? undefined,
        lastFlushAt: (r.last_flush_at as number | null) ?? undefined,
        fingerprint: r.fingerprint as string,
        members: JSON.parse(r.members as string) as string[],
      },
    ]),
  );
}

export function saveGroup(store: StateStore, g: GroupState): void {
  store.db
    .prepare(
      `INSERT INTO notify_groups (id, route, receiver, labels, incident_key, first_at, last_flush_at, fingerprint, members) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET route = excluded.route, incident_key = excluded.incident_key, first_at = excluded.first_at,
       last_flush_at = excluded.last_flush_at, fingerprint = excluded.fingerprint, members = excluded.members`,
    )
    .run(
      g.id,
      g.route,
      g.receiver,
      JSON.stringify(g.labels),
      g.incidentKey ?? null,
      g.firstAt ?? null,
      g.lastFlushAt ?? null,
      g.fingerprint,
      JSON.stringify(g.members),
    );
}

export function groupId(route: Route, labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return crypto
    .createHash('sha256')
    .update(`${route.id}|${route.receiver}|${JSON.stringify(sorted)}`)
    .digest('hex')
    .slice(0, 20);
}

function findRoute(root: Route, id: string): Route | undefined {
  if (root.id === id) return root;
  for (const c of root.children) {
    const r = findRoute(c, id);
    if (r) return r;
  }
  return undefined;
}

/** Silence first (people said so), then inhibition by any firing alert. */
function muteOf(
  ctx: DispatchContext,
  row: AlertRow,
  firing: Alert[],
  silences: ReturnType<typeof activeSilences>,
): string | null {
  const s = silencing(silences, {
    ...row.alert.labels,
    rule: row.alert.rule,
    alertname: row.alert.rule,
    severity: row.alert.severity,
    kind: row.alert.kind,
  });
  if (s) return `silence:${s.id}`;
  const inh = inhibitedBy(ctx.inhibit, firing, row.alert);
  return inh ? `inhibit:${inh.rule}:${inh.by}` : null;
}

interface Bucket {
  route: Route;
  labels: Record<string, string>;
  firing: AlertRow[];
  mutedKeys: Set<string>;
}

/** A flapping alert is held firing until it has been quiet for the window. */
function settleFlapping(ctx: DispatchContext, rows: AlertRow[], now: number): void {
  for (const r of rows) {
    if (r.flapping && r.status === 'resolved' && now - r.lastChange >= ctx.flappingWindow) {
      r.flapping = false;
      ctx.store.db.prepare('UPDATE notify_alerts SET flapping = 0 WHERE key = ?').run(r.key);
      recordDecision(ctx.store, r.key, now, 'flapping', { settled: true });
    }
  }
}

/** Mutes and routes every live alert and sorts it into its groups, logging what changed. */
function bucketAlerts(ctx: DispatchContext, live: AlertRow[], now: number): Map<string, Bucket> {
  const { store } = ctx;
  const firingAlerts = live.map((r) => r.alert);
  const silences = activeSilences(store, now);
  const buckets = new Map<string, Bucket>();
  for (const r of live) {
    const m = muteOf(ctx, r, firingAlerts, silences);
    if (m !== r.muted) {
      store.db.prepare('UPDATE notify_alerts SET muted = ? WHERE key = ?').run(m, r.key);
      recordDecision(store, r.key, now, m ? 'muted' : 'unmuted', m ? { by: m } : { was: r.muted });
      if (m) muted.inc({ cause: m.split(':')[0]! });
      r.muted = m;
    }
    const routes = routeAlert(ctx.root, r.alert);
    const routed = routes.map((x) => `${x.id}->${x.receiver}`).join(' ');
    if (routed !== r.routed) {
      store.db.prepare('UPDATE notify_alerts SET routed = ? WHERE key = ?').run(routed, r.key);
      recordDecision(store, r.key, now, 'routed', {
        routes: routes.map((x) => ({ route: x.id, receiver: x.receiver, group_by: x.groupBy })),
      });
    }
    for (const route of routes) {
      const labels = groupLabels(route, r.alert);
      const id = groupId(route, labels);
      const b = buckets.get(id) ?? { route, labels, firing: [], mutedKeys: new Set<string>() };
      if (r.muted) b.mutedKeys.add(r.key);
      else b.firing.push(r);
      buckets.set(id, b);
    }
  }
  return buckets;
}

interface PassInput {
  id: string;
  bucket: Bucket | undefined;
  prev: GroupState | undefined;
  byKey: Map<string, AlertRow>;
  acked: Set<string>;
  now: number;
}

/** Lets one group decide; queues its notification when it speaks. Returns whether it did. */
function passGroup(ctx: DispatchContext, { id, bucket: b, prev, byKey, acked, now }: PassInput): boolean {
  const { store } = ctx;
  const route = b?.route ?? findRoute(ctx.root, prev!.route) ?? ctx.root;
  const state: GroupState = prev ?? {
    id,
    route: route.id,
    receiver: route.receiver,
    labels: b!.labels,
    fingerprint: '',
    members: [],
  };
  const firing = b?.firing ?? [];
  const d = decide(
    state,
    {
      firing: firing.map((r) => (r.flapping ? `${r.key}~` : r.key)),
      mutedMembers: state.members.filter((k) => b?.mutedKeys.has(k)),
      acked: firing.length > 0 && firing.every((r) => acked.has(r.key)),
      since: firing.length ? Math.min(...firing.map((r) => r.since)) : undefined,
    },
    route,
    now,
  );
  if (d.action === 'drop') {
    if (prev) store.db.prepare('DELETE FROM notify_groups WHERE id = ?').run(id);
    return false;
  }
  if (d.action === 'wait') {
    if (!prev || prev.firstAt !== d.state.firstAt) saveGroup(store, d.state);
    return false;
  }
  const lead = [...firing].sort(
    (x, y) => (x.alert.firedAt ?? 0) - (y.alert.firedAt ?? 0) || x.key.localeCompare(y.key),
  )[0];
  const incidentKey = state.incidentKey ?? lead?.key ?? state.members[0] ?? id;
  const resolved = state.members.filter(
    (k) => !firing.some((r) => r.key === k) && byKey.get(k)?.status === 'resolved' && !byKey.get(k)?.flapping,
  );
  const notified = (r: AlertRow): NotifiedAlert => ({
    ...r.alert,
    links: buildLinks(r.alert, ctx.links, now),
    ...(r.flapping ? { flapping: true } : {}),
  });
  const explain = explainUrl(incidentKey, ctx.links);
  const n: Omit<Notification, 'id'> = {
    receiver: state.receiver,
    groupKey: id,
    groupLabels: state.labels,
    incidentKey,
    status: d.status,
    firing: d.status === 'firing' ? firing.map(notified) : [],
    resolved: resolved.map((k) => notified(byKey.get(k)!)),
    at: now,
    ...(explain ? { explainUrl: explain } : {}),
  };
  const outboxId = enqueue(store, state.receiver, 'alerts', id, n, now);
  notificationsQueued.inc({ receiver: state.receiver, reason: d.reason });
  for (const a of [...n.firing, ...n.resolved])
    recordDecision(
      store,
      a.key,
      now,
      'queued',
      {
        receiver: state.receiver,
        reason: d.reason,
        status: d.status,
        outbox: outboxId,
        incident: incidentKey,
      },
      id,
    );
  if (d.status === 'resolved') store.db.prepare('DELETE FROM notify_groups WHERE id = ?').run(id);
  else saveGroup(store, { ...d.state, incidentKey, members: firing.map((r) => r.key) });
  return true;
}

/** Runs one pass at `now`; returns how many notifications it queued. */
export function dispatch(ctx: DispatchContext, now: number): number {
  const { store } = ctx;
  return store.tx(() => {
    const rows = loadAlerts(store);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    settleFlapping(ctx, rows, now);
    const buckets = bucketAlerts(
      ctx,
      rows.filter((r) => r.status === 'firing' || r.flapping),
      now,
    );
    const acked = new Set(
      (store.db.prepare('SELECT alert_key FROM notify_acks').all() as Array<{ alert_key: string }>).map(
        (a) => a.alert_key,
      ),
    );
    const groups = loadGroups(store);
    let queued = 0;
    for (const id of new Set([...groups.keys(), ...buckets.keys()])) {
      if (passGroup(ctx, { id, bucket: buckets.get(id), prev: groups.get(id), byKey, acked, now })) queued++;
    }
    // Resolved alerts no group still has to announce are done with.
    const stillMembers = new Set([...loadGroups(store).values()].flatMap((g) => g.members));
    for (const r of rows) {
      // Kept while its recent changes still count towards flapping.
      if (
        r.status === 'resolved' &&
        !r.flapping &&
        !stillMembers.has(r.key) &&
        now - r.lastChange >= ctx.flappingWindow
      ) {
        store.db.prepare('DELETE FROM notify_alerts WHERE key = ?').run(r.key);
        store.db.prepare('DELETE FROM notify_acks WHERE alert_key = ?').run(r.key);
      }
    }
    return queued;
  });
}
