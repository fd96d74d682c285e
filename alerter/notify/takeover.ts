/**
 * A fleet's hand-off, notify's half. notify's tables are per replica, so the replica that takes
 * over a firing alert has never heard of it: told nothing, it would drop the alert's resolve
 * ("never seen firing"); told it as a new firing alert, it would page it a second time (a
 * webhook or a mail has no dedup key to absorb that).
 *
 * So the alert is taken in as firing and, for each receiver that the old owner's notify had
 * already told of this very firing (same firedAt, from the delivery records the fleet keeps
 * with the alert state), its group is set up as if this notify had sent that page: member of
 * the group, in the last fingerprint, repeat timer running from the old delivery. That receiver
 * hears nothing now and the resolve later. A receiver that was not told yet (the page still in
 * the dead replica's group_wait or outbox) gets it as news, after group_wait: never lost.
 *
 * Deciding here, on what was delivered, rather than in the engine (no transition for an adopted
 * state) is the point: the engine cannot know whether a page left the old owner's outbox.
 */
import type { StateStore } from '../../core/store/store';
import type { Alert } from '../types';
import { recordDecision } from './decisions';
import { groupId } from './bucket';
import { loadGroups, saveGroup } from './store/groups';
import { getAlert, upsertAlert } from './store/alerts';
import { fingerprint, type GroupState } from './group';
import type { FlappingConfig } from './ingest';
import { aggregateOf, type CompiledAggregate } from './aggregate';
import { groupLabels, perAlert, routeAlert, type Route } from './route';
import type { TakenOverAlert } from './types';

export interface TakeOverContext {
  root: Route;
  aggregate: CompiledAggregate[];
  flapping: FlappingConfig;
}

/**
 * The group the old owner told this alert in: its own, or, on a per-alert route where the page
 * carried another key, the aggregate of its rule (so its resolve never closes the aggregate's
 * page while other members still fire).
 */
function toldIn(route: Route, aggregate: CompiledAggregate[], alert: Alert, incidentKey: string) {
  const agg = perAlert(route) && incidentKey !== alert.key ? aggregateOf(aggregate, alert) : undefined;
  if (agg) return { labels: agg.labels, id: groupId(route, agg.labels, true), aggregate: true };
  const labels = groupLabels(route, alert);
  return { labels, id: groupId(route, labels), aggregate: false };
}

/**
 * For each receiver the old owner told of this firing, sets its group up as if this notify had
 * sent the page; returns those receivers' names.
 */
function adoptGroups(
  store: StateStore,
  ctx: TakeOverContext,
  groups: Map<string, GroupState>,
  taken: { alert: Alert; told: TakenOverAlert['told']; flapping: boolean },
): string[] {
  const { alert, told, flapping } = taken;
  const key = alert.key;
  const known: string[] = [];
  for (const route of routeAlert(ctx.root, alert)) {
    const t = told[route.receiver];
    if (t?.status !== 'firing' || t.firedAt !== alert.firedAt) continue;
    const { labels, id, aggregate } = toldIn(route, ctx.aggregate, alert, t.incidentKey);
    const g = groups.get(id);
    // A group still in group_wait here speaks soon anyway; its first page names this alert too.
    if (g && g.lastFlushAt === undefined) continue;
    const member = flapping ? `${key}~` : key;
    const firing = (g?.fingerprint ?? '').split(',').filter((k) => k && k !== key && k !== `${key}~`);
    const next = {
      id,
      route: route.id,
      receiver: route.receiver,
      labels,
      incidentKey: g?.incidentKey ?? t.incidentKey,
      firstAt: g?.firstAt ?? t.at,
      lastFlushAt: g?.lastFlushAt ?? t.at,
      fingerprint: fingerprint([...firing, member]),
      members: [...new Set([...(g?.members ?? []), key])],
      seen: (g?.seen ?? []).filter((k) => k !== key),
      ...(aggregate ? { aggregate: true } : {}),
    };
    saveGroup(store, next);
    groups.set(id, next);
    known.push(route.receiver);
  }
  return known;
}

export function takeOver(
  store: StateStore,
  ctx: TakeOverContext,
  list: readonly TakenOverAlert[],
  now: number,
): void {
  if (list.length === 0) return;
  store.tx(() => {
    const groups = loadGroups(store);
    for (const { alert, changes, told } of list) {
      if (alert.state !== 'firing') continue;
      const key = alert.key;
      const recent = changes.filter((x) => x > now - ctx.flapping.window);
      const flapping = recent.length > ctx.flapping.max_changes;
      const prev = getAlert(store, key);
      const since = prev?.status === 'firing' ? prev.since : now;
      // Not unseen: the receivers the old owner told are set up below; the others learn it from
      // the dispatcher's next pass, as a firing alert, like any other.
      upsertAlert(store, {
        key,
        alert,
        status: 'firing',
        now,
        since,
        changes: recent,
        flapping,
        unseen: false,
      });
      const known = adoptGroups(store, ctx, groups, { alert, told, flapping });
      recordDecision(store, key, now, 'received', {
        rule: alert.rule,
        to: 'firing',
        at: alert.firedAt,
        labels: alert.labels,
        taken_over: true,
        already_told: known,
      });
    }
  });
}
