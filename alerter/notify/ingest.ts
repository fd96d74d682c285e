/**
 * Takes the engine's transitions into notify_alerts, in one transaction: firing and resolved
 * are what notify acts on (pending is the engine's business). It also counts state changes
 * per alert to spot flapping.
 */
import type { StateStore } from '../../core/store/store';
import type { AlertTransition } from '../types';
import { recordDecision } from './decisions';
import { getAlert, upsertAlert } from './store/alerts';

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
      const prev = getAlert(store, key);
      if (!prev && status === 'resolved') {
        // Never seen firing here (or already announced and forgotten): nothing to resolve.
        recordDecision(store, key, now, 'received', { to: status, at: t.at, ignored: 'not known as firing' });
        continue;
      }
      const changes = (prev?.changes ?? []).filter((x) => x > t.at - flapping.window);
      if (!prev || prev.status !== status) changes.push(t.at);
      const isFlapping =
        (prev?.flapping === true && changes.length > 0) || changes.length > flapping.max_changes;
      upsertAlert(store, {
        key,
        alert: t.alert,
        status,
        now,
        since: now,
        changes,
        flapping: isFlapping,
        unseen: status === 'firing' && prev?.status !== 'firing',
      });
      recordDecision(store, key, now, 'received', {
        rule: t.alert.rule,
        from: t.from,
        to: status,
        at: t.at,
        labels: t.alert.labels,
        // The evaluator's words for what it saw (a bad `lookout.replicas` label and the fallback used).
        ...(t.alert.detail ? { detail: t.alert.detail } : {}),
      });
      if (isFlapping && !prev?.flapping)
        recordDecision(store, key, now, 'flapping', { changes: changes.length, window_ms: flapping.window });
    }
  });
}
