/**
 * Forgets alerts another replica of a fleet owns now. notify's tables are per replica and the
 * fleet's state topic is the truth (alert states and what each receiver was told): when an
 * alert's partition moves away, the alerts stay with the new owner, whose notify learns them
 * through takeOver. Kept here, a moved alert would be repeated after repeat_interval by a
 * replica that never hears its resolve.
 *
 * A page still waiting in the outbox for a moved alert is dropped as well: the new owner pages
 * it, since no delivery of it was recorded (dropping it is what keeps that page single; never
 * lost). Resolves still waiting are sent from here: the new owner adopts the resolved state
 * and says nothing. A notification that also names alerts staying here is sent as it is.
 */
import type { StateStore } from '../../core/store/store';
import { recordDecision } from './decisions';
import { deleteGroup, loadGroups, saveGroup } from './store/groups';
import { alertKeys, deleteAlert } from './store/alerts';
import { fingerprint } from './group';
import { deleteOutboxRow, pendingRows } from './store/outbox';
import type { Notification } from './types';

/** Forgets `keys` (every alert with 'all': a fleet's replica starting owns none yet); returns how many it knew. */
export function releaseAlerts(store: StateStore, keys: readonly string[] | 'all', now: number): number {
  return store.tx(() => {
    const known = alertKeys(store);
    const wanted = keys === 'all' ? undefined : new Set(keys);
    const gone = new Set(wanted ? known.filter((k) => wanted.has(k)) : known);
    const isGone = (k: string) => (wanted ? wanted.has(k) : true);
    for (const k of gone) {
      deleteAlert(store, k);
      recordDecision(store, k, now, 'released', { reason: 'another replica owns it now' });
    }
    for (const g of loadGroups(store).values()) {
      const members = g.members.filter((k) => !isGone(k));
      const seen = g.seen.filter((k) => !isGone(k));
      const firing = g.fingerprint.split(',').filter((k) => k && !isGone(k.replace(/~$/, '')));
      if (
        members.length === g.members.length &&
        seen.length === g.seen.length &&
        fingerprint(firing) === g.fingerprint
      )
        continue;
      if (members.length === 0 && firing.length === 0 && seen.length === 0) deleteGroup(store, g.id);
      else saveGroup(store, { ...g, members, seen, fingerprint: fingerprint(firing) });
    }
    for (const row of pendingRows(store)) {
      if (row.kind !== 'alerts') continue;
      const n = JSON.parse(row.payload) as Notification;
      const named = [...n.firing, ...n.resolved].map((a) => a.key);
      if (n.status !== 'firing' || named.length === 0 || !named.every(isGone)) continue;
      deleteOutboxRow(store, row.id);
      for (const k of named)
        recordDecision(
          store,
          k,
          now,
          'released',
          { outbox: row.id, dropped: 'the new owner pages it' },
          row.group_id,
        );
    }
    return gone.size;
  });
}
