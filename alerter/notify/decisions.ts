/**
 * The decision log: per alert, what arrived, which route matched, what muted it, what was
 * queued and what the receiver answered. `lookout explain <key>` and the API read it.
 */
import type { StateStore } from '../../core/store/store';
import { migrateNotify } from './tables';

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

export function recordDecision(
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

/** Every decision about one alert (or every alert of one group, given its id), oldest first. */
export function explain(store: StateStore, key: string, limit = 500): Decision[] {
  migrateNotify(store);
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

export function formatDecisions(ds: Decision[]): string {
  return ds
    .map((d) => `${new Date(d.at).toISOString()}  ${d.step.padEnd(9)}  ${JSON.stringify(d.detail)}`)
    .join('\n');
}

/** Keeps the log bounded: entries older than `maxAgeMs` go. */
export function pruneDecisions(store: StateStore, now: number, maxAgeMs: number): void {
  store.db.prepare('DELETE FROM notify_decisions WHERE at < ?').run(now - maxAgeMs);
}
