/** notify_decisions: the decision log's rows. Every statement on the table is here. */
import type { StateStore } from '../../../core/store/store';
import type { Decision, DecisionStep } from '../decisions';

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
