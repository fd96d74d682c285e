/**
 * The second half of a dispatcher pass: one group decides (group.ts) and, when it speaks, its
 * notification goes into the outbox in the same transaction. A group that never spoke and whose
 * alert already resolved speaks twice at once: the trigger, then its resolve.
 */
import type { StateStore } from '../../core/store/store';
import { buildLinks, explainUrl, type LinksConfig } from '../links';
import type { Bucket } from './bucket';
import { recordDecision } from './decisions';
import { decide, type GroupDecision, type GroupState } from './group';
import { notificationsQueued } from './metrics';
import { enqueue } from './outbox';
import type { Route } from './route';
import { deleteGroup, saveGroup } from './store/groups';
import type { AlertRow } from './store/alerts';
import type { Notification, NotifiedAlert, RelatedAlert } from './types';

export interface SpeakContext {
  store: StateStore;
  links: LinksConfig;
  /** Firing alerts muted by inhibition, by the key of the alert that mutes them. */
  mutedBy: Map<string, RelatedAlert[]>;
}

export interface GroupPass {
  id: string;
  route: Route;
  bucket: Bucket | undefined;
  prev: GroupState | undefined;
  byKey: Map<string, AlertRow>;
  acked: Set<string>;
  now: number;
}

const unique = (xs: string[]) => [...new Set(xs)];

/** Alerts that fired here and are not told yet; a key that now fires elsewhere is dropped. */
function nextSeen(state: GroupState, b: Bucket | undefined, byKey: Map<string, AlertRow>): string[] {
  const firing = new Set((b?.firing ?? []).map((r) => r.key));
  return unique([...state.seen, ...firing, ...(b?.flashed ?? []).map((r) => r.key)]).filter(
    (k) => !state.members.includes(k) && (firing.has(k) || byKey.get(k)?.status === 'resolved'),
  );
}

/** Lets one group decide; queues what it says. Returns how many notifications it queued. */
export function speak(ctx: SpeakContext, pass: GroupPass): number {
  const { id, route, bucket: b, prev, byKey, now } = pass;
  const base: GroupState = prev ?? {
    id,
    route: route.id,
    receiver: route.receiver,
    labels: b!.labels,
    fingerprint: '',
    members: [],
    seen: [],
    ...(b?.aggregate ? { aggregate: true } : {}),
  };
  const seen = nextSeen(base, b, byKey);
  const state = { ...base, seen };
  const firing = b?.firing ?? [];
  const flashed = seen.filter((k) => byKey.get(k)?.status === 'resolved');
  const timings = b?.aggregate ? { ...route, groupInterval: b.aggregate.interval } : route;
  const d = decide(
    state,
    {
      firing: firing.map((r) => (r.flapping ? `${r.key}~` : r.key)),
      flashed,
      mutedMembers: state.members.filter((k) => b?.mutedKeys.has(k)),
      acked: firing.length > 0 && firing.every((r) => pass.acked.has(r.key)),
      since: firing.length ? Math.min(...firing.map((r) => r.since)) : undefined,
    },
    timings,
    now,
  );
  if (d.action === 'drop') {
    if (prev) deleteGroup(ctx.store, id);
    return 0;
  }
  if (d.action === 'wait') {
    if (!prev || prev.firstAt !== d.state.firstAt || prev.seen.join() !== seen.join())
      saveGroup(ctx.store, d.state);
    return 0;
  }
  return flush(ctx, pass, state, d, firing, flashed);
}

/**
 * The group's incident key, kept once set; else the key of its earliest-fired alert. An
 * aggregate's key is its group id: stable across restarts and replicas, and never the key of
 * one member, which has (or may get) a page of its own.
 */
function incidentKeyOf(state: GroupState, id: string, told: AlertRow[]): string {
  if (state.incidentKey !== undefined) return state.incidentKey;
  if (state.aggregate) return id;
  const lead = [...told].sort(
    (x, y) => (x.alert.firedAt ?? 0) - (y.alert.firedAt ?? 0) || x.key.localeCompare(y.key),
  )[0];
  return lead?.key ?? state.members[0] ?? id;
}

function flush(
  ctx: SpeakContext,
  pass: GroupPass,
  state: GroupState,
  d: Extract<GroupDecision, { action: 'flush' }>,
  firing: AlertRow[],
  flashed: string[],
): number {
  const { id, byKey, now } = pass;
  const flashRows = flashed.map((k) => byKey.get(k)!);
  const incidentKey = incidentKeyOf(state, id, [...firing, ...flashRows]);
  const notified = (r: AlertRow, asFiring = false): NotifiedAlert => ({
    ...r.alert,
    ...(asFiring ? { state: 'firing' as const } : {}),
    links: buildLinks(r.alert, ctx.links, now),
    ...(r.flapping ? { flapping: true } : {}),
  });
  const related = [...firing, ...flashRows].flatMap((r) => ctx.mutedBy.get(r.key) ?? []);
  const gone = state.members.filter(
    (k) => !firing.some((r) => r.key === k) && byKey.get(k)?.status === 'resolved' && !byKey.get(k)?.flapping,
  );
  const flashOnly = d.status === 'firing' && firing.length === 0;
  const base = {
    receiver: state.receiver,
    groupKey: id,
    groupLabels: state.labels,
    incidentKey,
    at: now,
    ...(state.aggregate ? { aggregate: state.labels } : {}),
    ...(explainUrl(incidentKey, ctx.links) ? { explainUrl: explainUrl(incidentKey, ctx.links) } : {}),
  };
  const affected = (pass.bucket?.aggregate?.firing ?? firing.length) + related.length;
  const out: Array<Omit<Notification, 'id'>> = [];
  if (flashOnly) {
    // Told as it was (firing), then resolved: a fire-and-resolve between passes still notifies.
    out.push({
      ...base,
      status: 'firing',
      firing: flashRows.map((r) => notified(r, true)),
      resolved: [],
      affected: flashRows.length,
    });
    out.push({ ...base, status: 'resolved', firing: [], resolved: flashRows.map((r) => notified(r)) });
  } else {
    out.push({
      ...base,
      status: d.status,
      firing: d.status === 'firing' ? firing.map((r) => notified(r)) : [],
      resolved: [...gone, ...flashed].map((k) => notified(byKey.get(k)!)),
      ...(d.status === 'firing' ? { affected: Math.max(affected, 1) } : {}),
      ...(related.length && d.status === 'firing' ? { related } : {}),
    });
  }
  for (const n of out) queue(ctx, pass, n, d.reason);
  if (d.status === 'resolved' || flashOnly) deleteGroup(ctx.store, id);
  else saveGroup(ctx.store, { ...d.state, incidentKey, members: firing.map((r) => r.key), seen: [] });
  return out.length;
}

function queue(ctx: SpeakContext, pass: GroupPass, n: Omit<Notification, 'id'>, reason: string): void {
  const outboxId = enqueue(ctx.store, n.receiver, 'alerts', pass.id, n, pass.now);
  notificationsQueued.inc({ receiver: n.receiver, reason: n.status === 'resolved' ? 'resolve' : reason });
  for (const a of [...n.firing, ...n.resolved])
    recordDecision(
      ctx.store,
      a.key,
      pass.now,
      'queued',
      { receiver: n.receiver, reason, status: n.status, outbox: outboxId, incident: n.incidentKey },
      pass.id,
    );
  for (const r of n.related ?? [])
    recordDecision(
      ctx.store,
      r.key,
      pass.now,
      'shown',
      { on: n.incidentKey, reason: r.reason, by: r.by },
      pass.id,
    );
}
