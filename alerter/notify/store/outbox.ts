/**
 * notify_outbox: what a receiver has not yet accepted. Every statement on the table is here,
 * so a column change touches one file; outbox.ts decides when a row is sent, retried or given up.
 */
import type { StateStore } from '../../../core/store/store';

export interface OutboxRow {
  id: number;
  receiver: string;
  kind: 'alerts' | 'change';
  group_id: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_at: number;
  last_error: string | null;
  state: 'pending' | 'failed';
}

/** Queues one notification, due now; returns its row id (the id a receiver de-duplicates on). */
export function insertOutboxRow(
  store: StateStore,
  receiver: string,
  kind: OutboxRow['kind'],
  groupId: string,
  payload: object,
  now: number,
): number {
  const r = store.db
    .prepare(
      'INSERT INTO notify_outbox (receiver, kind, group_id, payload, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(receiver, kind, groupId, JSON.stringify(payload), now, now);
  return Number(r.lastInsertRowid);
}

/** Rows still to deliver, in the order they were queued (a group's rows leave in this order). */
export function pendingRows(store: StateStore): OutboxRow[] {
  return store.db
    .prepare("SELECT * FROM notify_outbox WHERE state = 'pending' ORDER BY id")
    .all() as OutboxRow[];
}

/** One receiver's rows still to deliver, in queue order. */
export function pendingRowsFor(store: StateStore, receiver: string): OutboxRow[] {
  return store.db
    .prepare("SELECT * FROM notify_outbox WHERE state = 'pending' AND receiver = ? ORDER BY id")
    .all(receiver) as OutboxRow[];
}

/** Rows a receiver refused for good or that ran out of attempts, kept for people to read. */
export function failedRows(store: StateStore): OutboxRow[] {
  return store.db
    .prepare("SELECT * FROM notify_outbox WHERE state = 'failed' ORDER BY id")
    .all() as OutboxRow[];
}

/** Every row, pending or failed, in queue order. */
export function allOutboxRows(store: StateStore): OutboxRow[] {
  return store.db.prepare('SELECT * FROM notify_outbox ORDER BY id').all() as OutboxRow[];
}

/** A row its receiver accepted (or one dropped for another replica to send). */
export function deleteOutboxRow(store: StateStore, id: number): void {
  store.db.prepare('DELETE FROM notify_outbox WHERE id = ?').run(id);
}

/** One more failed attempt; the row stays pending until `nextAt`. */
export function scheduleRetry(
  store: StateStore,
  id: number,
  attempts: number,
  nextAt: number,
  error: string,
): void {
  store.db
    .prepare('UPDATE notify_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?')
    .run(attempts, nextAt, error, id);
}

/** The last attempt failed and no retry can help: the row is kept, no longer sent. */
export function markFailed(store: StateStore, id: number, attempts: number, error: string): void {
  store.db
    .prepare("UPDATE notify_outbox SET attempts = ?, last_error = ?, state = 'failed' WHERE id = ?")
    .run(attempts, error, id);
}

/** When the oldest notification still to deliver was queued (undefined: none is waiting). */
export function oldestPendingAt(store: StateStore): number | undefined {
  const r = store.db
    .prepare("SELECT MIN(created_at) AS at FROM notify_outbox WHERE state = 'pending'")
    .get() as {
    at: number | null;
  };
  return r.at ?? undefined;
}
