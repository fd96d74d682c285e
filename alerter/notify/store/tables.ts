import type { StateStore } from '../../../core/store/store';

/**
 * notify's own tables in the state store. Alerts and groups are the dispatcher's memory (so a
 * restart keeps group_wait and repeat timers); the outbox holds what a receiver has not yet
 * accepted; silences, acks and the decision log are what people set and read.
 */
export function migrateNotify(store: StateStore): void {
  store.migrate(
    'notify-001',
    `CREATE TABLE notify_alerts (
       key TEXT PRIMARY KEY, alert TEXT NOT NULL, status TEXT NOT NULL, updated_at INTEGER NOT NULL,
       since INTEGER NOT NULL, changes TEXT NOT NULL DEFAULT '[]', flapping INTEGER NOT NULL DEFAULT 0, muted TEXT, routed TEXT);
     CREATE TABLE notify_groups (
       id TEXT PRIMARY KEY, route TEXT NOT NULL, receiver TEXT NOT NULL, labels TEXT NOT NULL,
       incident_key TEXT, first_at INTEGER, last_flush_at INTEGER, fingerprint TEXT NOT NULL DEFAULT '',
       members TEXT NOT NULL DEFAULT '[]');
     CREATE TABLE notify_outbox (
       id INTEGER PRIMARY KEY AUTOINCREMENT, receiver TEXT NOT NULL, kind TEXT NOT NULL, group_id TEXT NOT NULL,
       payload TEXT NOT NULL, created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
       next_at INTEGER NOT NULL, last_error TEXT, state TEXT NOT NULL DEFAULT 'pending');
     CREATE INDEX notify_outbox_due ON notify_outbox (state, next_at);
     CREATE TABLE notify_silences (
       id TEXT PRIMARY KEY, matchers TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,
       comment TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL);
     CREATE TABLE notify_acks (alert_key TEXT PRIMARY KEY, by TEXT NOT NULL, at INTEGER NOT NULL, comment TEXT NOT NULL);
     CREATE TABLE notify_decisions (
       id INTEGER PRIMARY KEY AUTOINCREMENT, alert_key TEXT NOT NULL, group_id TEXT, at INTEGER NOT NULL,
       step TEXT NOT NULL, detail TEXT NOT NULL);
     CREATE INDEX notify_decisions_alert ON notify_decisions (alert_key, id);`,
  );
  // A fire-and-resolve between two passes is still told (unseen, seen), and a storm of
  // one rule over one service is told as one aggregate group.
  store.migrate(
    'notify-002',
    `ALTER TABLE notify_alerts ADD COLUMN unseen INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE notify_groups ADD COLUMN seen TEXT NOT NULL DEFAULT '[]';
     ALTER TABLE notify_groups ADD COLUMN aggregate INTEGER NOT NULL DEFAULT 0;`,
  );
}
