/**
 * Takes the engine's transitions into notify_alerts, in one transaction: firing and resolved
 * are what notify acts on (pending is the engine's business). It also counts state changes
 * per alert to spot flapping.
 */
import type { StateStore } from '../../core/store/store';
import type { AlertTransition } from '../types';
import { recordDecision } from './decisions';

export interface FlappingConfig {
  max_changes: number;
  window: number;
}

export function ingest(
  store: StateStore,
  transitions: AlertTransition[],
  now: number,
  flapping: FlappingConfig,
): void {
  const get = store.db.prepare('SELECT status, changes, flapping FROM notify_alerts WHERE key = ?');
  const upsert = store.db.prepare(
    `INSERT INTO notify_alerts (key, alert, status, updated_at, since, changes, flapping) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET alert = excluded.alert, updated_at = excluded.updated_at,
     since = CASE WHEN status = excluded.status THEN since ELSE excluded.since END, status = excluded.status,
     changes = excluded.changes, flapping = excluded.flapping`,
  );
  store.tx(() => {
    for (const t of transitions) {
      const status =
        t.to === 'firing'
          ? 'firing'
          : t.to === 'resolved' || (t.to === 'inactive' && t.from === 'firing')
            ? 'resolved'
            : undefined;
      if (!status) continue;
      const key = t.alert.key;
      const prev = get.get(key) as { status: string; changes: string; flapping: number } | undefined;
      if (!prev && status === 'resolved') {
        // Never seen firing here (or already announced and forgotten): nothing to resolve.
        recordDecision(store, key, now, 'received', { to: status, at: t.at, ignored: 'not known as firing' });
        continue;
      }
      const changes = (prev ? (JSON.parse(prev.changes) as number[]) : []).filter(
        (x) => x > t.at - flapping.window,
      );
      if (!prev || prev.status !== status) changes.push(t.at);
      const isFlapping =
        (prev?.flapping === 1 && changes.length > 0) || changes.length > flapping.max_changes;
      upsert.run(key, JSON.stringify(t.alert), status, now, now, JSON.stringify(changes), isFlapping ? 1 : 0);
      recordDecision(store, key, now, 'received', {
        rule: t.alert.rule,
        from: t.from,
        to: status,
        at: t.at,
        labels: t.alert.labels,
      });
      if (isFlapping && prev?.flapping !== 1)
        recordDecision(store, key, now, 'flapping', { changes: changes.length, window_ms: flapping.window });
    }
  });
}
