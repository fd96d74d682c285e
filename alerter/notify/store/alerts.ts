/**
 * notify_alerts: what notify knows of each alert (its last state, flap history, what muted it,
 * where it was routed). Every statement on the table is here, so a column change touches one file.
 */
import type { StateStore } from '../../../core/store/store';
import type { Alert } from '../../types';

export interface AlertRow {
  key: string;
  alert: Alert;
  status: 'firing' | 'resolved';
  updatedAt: number;
  /** Clock time the current status began: group_wait runs from here. */
  since: number;
  /** Event times of its recent state changes (flap detection). */
  changes: number[];
  flapping: boolean;
  /** What mutes it now: `silence:<id>` or `inhibit:<rule>:<by key>`. */
  muted: string | null;
  routed: string | null;
  /** Went firing since the dispatcher last looked: a fire-and-resolve between passes is still news. */
  unseen: boolean;
  lastChange: number;
}

type Raw = Record<string, unknown>;

function fromRaw(r: Raw): AlertRow {
  const changes = JSON.parse(r.changes as string) as number[];
  return {
    key: r.key as string,
    alert: JSON.parse(r.alert as string) as Alert,
    status: r.status as AlertRow['status'],
    updatedAt: r.updated_at as number,
    since: r.since as number,
    changes,
    flapping: r.flapping === 1,
    muted: r.muted as string | null,
    routed: r.routed as string | null,
    unseen: r.unseen === 1,
    lastChange: changes[changes.length - 1] ?? (r.updated_at as number),
  };
}

export function loadAlerts(store: StateStore): AlertRow[] {
  return (store.db.prepare('SELECT * FROM notify_alerts').all() as Raw[]).map(fromRaw);
}

export function getAlert(store: StateStore, key: string): AlertRow | undefined {
  const r = store.db.prepare('SELECT * FROM notify_alerts WHERE key = ?').get(key) as Raw | undefined;
  return r && fromRaw(r);
}

export function alertKeys(store: StateStore): string[] {
  return (store.db.prepare('SELECT key FROM notify_alerts').all() as Array<{ key: string }>).map(
    (r) => r.key,
  );
}

export interface AlertWrite {
  key: string;
  alert: Alert;
  status: 'firing' | 'resolved';
  now: number;
  since: number;
  changes: number[];
  flapping: boolean;
  unseen: boolean;
}

/**
 * Inserts or updates one alert. `since` is kept while the status is unchanged; `unseen` is only
 * ever raised here (the dispatcher lowers it once it has routed the alert).
 */
export function upsertAlert(store: StateStore, w: AlertWrite): void {
  store.db
    .prepare(
      `INSERT INTO notify_alerts (key, alert, status, updated_at, since, changes, flapping, unseen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET alert = excluded.alert, updated_at = excluded.updated_at,
       since = CASE WHEN status = excluded.status THEN since ELSE excluded.since END, status = excluded.status,
       changes = excluded.changes, flapping = excluded.flapping, unseen = MAX(unseen, excluded.unseen)`,
    )
    .run(
      w.key,
      JSON.stringify(w.alert),
      w.status,
      w.now,
      w.since,
      JSON.stringify(w.changes),
      w.flapping ? 1 : 0,
      w.unseen ? 1 : 0,
    );
}

export function setMuted(store: StateStore, key: string, muted: string | null): void {
  store.db.prepare('UPDATE notify_alerts SET muted = ? WHERE key = ?').run(muted, key);
}

export function setRouted(store: StateStore, key: string, routed: string): void {
  store.db.prepare('UPDATE notify_alerts SET routed = ? WHERE key = ?').run(routed, key);
}

export function settleFlappingOf(store: StateStore, key: string): void {
  store.db.prepare('UPDATE notify_alerts SET flapping = 0 WHERE key = ?').run(key);
}

export function markSeen(store: StateStore, key: string): void {
  store.db.prepare('UPDATE notify_alerts SET unseen = 0 WHERE key = ?').run(key);
}

/** Forgets an alert and its acknowledgement. */
export function deleteAlert(store: StateStore, key: string): void {
  store.db.prepare('DELETE FROM notify_alerts WHERE key = ?').run(key);
  store.db.prepare('DELETE FROM notify_acks WHERE alert_key = ?').run(key);
}

/** Firing or resolved alerts with what mutes them and whether someone acked them, for the API's alert list. */
export function listAlertsForApi(store: StateStore): Array<{
  key: string;
  status: string;
  alert: Alert;
  muted: string | null;
  flapping: boolean;
  acked: boolean;
}> {
  const acked = ackedKeys(store);
  return loadAlerts(store)
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((r) => ({
      key: r.key,
      status: r.status,
      alert: r.alert,
      muted: r.muted,
      flapping: r.flapping,
      acked: acked.has(r.key),
    }));
}

export function ackedKeys(store: StateStore): Set<string> {
  return new Set(
    (store.db.prepare('SELECT alert_key FROM notify_acks').all() as Array<{ alert_key: string }>).map(
      (a) => a.alert_key,
    ),
  );
}

export function ackAlert(store: StateStore, key: string, by: string, at: number, comment: string): void {
  store.db
    .prepare('INSERT OR REPLACE INTO notify_acks (alert_key, by, at, comment) VALUES (?, ?, ?, ?)')
    .run(key, by, at, comment);
}
