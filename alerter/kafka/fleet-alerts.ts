/**
 * The fleet's alert list, so that `lookout alerts` (GET /api/v1/alerts) gives the same answer
 * whichever replica it asks (issue 18). An alert lives in its owner's notify store only; every
 * replica therefore shares its own rows, as the API lists them, through the notes topic
 * (`alert:<key>`), and lists the rows other replicas shared beside its own.
 *
 *   owner: every PUBLISH_EVERY_MS, its API rows that changed ─► notes topic ─► every replica's view
 *
 * Rows are shared as the owner's API shows them (silenced or inhibited, acked, flapping), a
 * few seconds late at most. A row is never withdrawn when its alert moves to another replica
 * (the new owner's row replaces it); it is deleted (a tombstone, which compaction drops) once
 * its owner forgot it after it resolved.
 */
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import type { FleetAlertRow as AlertRow } from '../notify/fleet';
import { listAlertsForApi } from '../notify/store/alerts';
import type { NotesTopicLike } from '../../core/bus/kafka/notes-topic';

export const PUBLISH_EVERY_MS = 2_000;

/** What the other replicas shared, last row per alert key. */
export class FleetAlertView {
  private readonly rows = new Map<string, AlertRow>();

  apply(key: string, value: unknown): void {
    if (value === null) this.rows.delete(key);
    else this.rows.set(key, value as AlertRow);
  }

  /** The shared rows whose alert this replica does not hold itself (its own rows are fresher). */
  othersThan(own: readonly AlertRow[]): AlertRow[] {
    const mine = new Set(own.map((r) => r.key));
    return [...this.rows.values()].filter((r) => !mine.has(r.key));
  }
}

/** Shares this replica's rows that changed since the last pass; stops with the returned function. */
export function shareOwnAlerts(deps: {
  topic: NotesTopicLike;
  store: StateStore;
  logger: Logger;
  everyMs?: number;
}): () => void {
  const log = deps.logger.child({ component: 'fleet-alerts' });
  const shared = new Map<string, { json: string; status: string }>();
  let running = false;
  const pass = async (): Promise<void> => {
    const rows = listAlertsForApi(deps.store);
    const now = new Set(rows.map((r) => r.key));
    for (const r of rows) {
      const json = JSON.stringify(r);
      if (shared.get(r.key)?.json === json) continue;
      await deps.topic.put(`alert:${r.key}`, r);
      shared.set(r.key, { json, status: r.status });
    }
    for (const [key, last] of shared) {
      if (now.has(key)) continue;
      // Gone after it resolved: forgotten, delete it. Gone while firing: it moved to another
      // replica, whose row replaces ours; deleting it here could erase theirs.
      if (last.status === 'resolved') await deps.topic.put(`alert:${key}`, null);
      shared.delete(key);
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pass()
      .catch((err: unknown) => log.warn({ err }, 'alert rows not shared with the fleet; retried'))
      .finally(() => (running = false));
  }, deps.everyMs ?? PUBLISH_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
