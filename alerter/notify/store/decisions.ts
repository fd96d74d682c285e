/** notify_decisions: the decision log's rows. Every statement on the table is here. */
import type { StateStore } from '../../../core/store/store';

export type DecisionStep =
  | 'received'
  | 'routed'
  | 'muted'
  | 'unmuted'
  | 'aggregated'
  | 'shown'
  | 'flapping'
  | 'queued'
  | 'delivered'
  | 'retrying'
  | 'rejected'
  | 'acked'
  | 'released';

export interface Decision {
  at: number;
  step: DecisionStep;
  groupId?: string;
  detail: Record<string, unknown>;
}

export function insertDecision(
  store: StateStore,
  alertKey: string,
  at: number,
  step: DecisionStep,
  detail: Record<string, unknown>,
  groupId?: string,
): void {
  store.db
    .prepare('INSERT INTO notify_decisions (alert_key, group_id, at, step, detail) VALUES (?, ?, ?, ?, ?)')
    .run(alertKey, groupId ?? null, at, step, JSON.stringify(detail));
}

/** The latest `limit` decisions about one alert (or any alert of one group, by its id), oldest first. */
export function decisionsAbout(store: StateStore, key: string, limit: number): Decision[] {
  const rows = store.db
    .prepare(
      'SELECT at, step, group_id AS groupId, detail FROM notify_decisions WHERE alert_key = ? OR group_id = ? ORDER BY id DESC LIMIT ?',
    )
    .all(key, key, limit) as Array<{
    at: number;
    step: DecisionStep;
    groupId: string | null;
    detail: string;
  }>;
  return rows.reverse().map((r) => ({
    at: r.at,
    step: r.step,
    ...(r.groupId ? { groupId: r.groupId } : {}),
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}

export function deleteDecisionsBefore(store: StateStore, before: number): void {
  store.db.prepare('DELETE FROM notify_decisions WHERE at < ?').run(before);
}

export interface ReceiverOutcome {
  receiver: string;
  lastSuccess: number | null;
  lastError: { at: number; error: string } | null;
}

/**
 * Each receiver's last delivery and last failed attempt, from the decision log (one row per
 * alert a notification named, so several rows share an attempt; the latest wins).
 */
export function receiverOutcomes(store: StateStore): ReceiverOutcome[] {
  const rows = store.db
    .prepare(
      `SELECT json_extract(detail, '$.receiver') AS receiver,
         MAX(CASE WHEN step = 'delivered' THEN at END) AS last_success,
         MAX(CASE WHEN step IN ('retrying', 'rejected') THEN id END) AS last_error_id
       FROM notify_decisions WHERE step IN ('delivered', 'retrying', 'rejected')
       GROUP BY receiver ORDER BY receiver`,
    )
    .all() as Array<{ receiver: string | null; last_success: number | null; last_error_id: number | null }>;
  const errorRow = store.db.prepare('SELECT at, detail FROM notify_decisions WHERE id = ?');
  return rows
    .filter((r) => r.receiver !== null)
    .map((r) => {
      const e =
        r.last_error_id === null
          ? undefined
          : (errorRow.get(r.last_error_id) as { at: number; detail: string });
      const raw = e ? (JSON.parse(e.detail) as { error?: unknown }).error : undefined;
      const error = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
      return {
        receiver: r.receiver!,
        lastSuccess: r.last_success,
        lastError: e ? { at: e.at, error } : null,
      };
    });
}
