import type { StateStore } from '../../core/store/store';
import type { AlertState, AlertTransition } from '../types';
import type { PersistedAlert } from './engine';

const INVENTORY_NS = 'alerter.inventory';

interface AlertRow {
  key: string;
  rule: string;
  state: AlertState;
  group_labels: string;
  active_at: number | null;
  fired_at: number | null;
  resolved_at: number | null;
  last_active_at: number | null;
  value: number | null;
}

export interface HistoryRow {
  key: string;
  rule: string;
  from_state: AlertState;
  to_state: AlertState;
  at: number;
  value: number | null;
  threshold: number | null;
  labels: string;
  detail: string | null;
}

const n = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);
const u = (v: number | null): number | undefined => (v === null ? undefined : v);

/** The alerter's tables in the state store: alert states (for restarts) and transition history (for explain). */
export class AlertStore {
  constructor(private readonly store: StateStore) {
    store.migrate(
      'alerter-001',
      `CREATE TABLE alerter_alerts (key TEXT PRIMARY KEY, rule TEXT NOT NULL, state TEXT NOT NULL, group_labels TEXT NOT NULL,
         active_at INTEGER, fired_at INTEGER, resolved_at INTEGER, last_active_at INTEGER, value REAL, updated_at INTEGER NOT NULL);
       CREATE TABLE alerter_history (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, rule TEXT NOT NULL, from_state TEXT NOT NULL,
         to_state TEXT NOT NULL, at INTEGER NOT NULL, value REAL, threshold REAL, labels TEXT NOT NULL, detail TEXT);
       CREATE INDEX alerter_history_rule ON alerter_history (rule, at);`,
    );
  }

  /** Pending and firing alerts, to restore. */
  load(): PersistedAlert[] {
    const rows = this.store.db
      .prepare("SELECT * FROM alerter_alerts WHERE state IN ('pending', 'firing')")
      .all() as AlertRow[];
    return rows.map((r) => ({
      key: r.key,
      rule: r.rule,
      state: r.state,
      groupLabels: JSON.parse(r.group_labels) as Record<string, string>,
      activeAt: u(r.active_at),
      firedAt: u(r.fired_at),
      resolvedAt: u(r.resolved_at),
      lastActiveAt: u(r.last_active_at),
      value: u(r.value),
    }));
  }

  /** Alerts whose condition holds but not yet for the rule's `for`: notify never sees these. */
  pending(): Array<{
    key: string;
    rule: string;
    labels: Record<string, string>;
    activeAt?: number;
    value?: number;
  }> {
    const rows = this.store.db
      .prepare("SELECT * FROM alerter_alerts WHERE state = 'pending' ORDER BY rule, key")
      .all() as AlertRow[];
    return rows.map((r) => ({
      key: r.key,
      rule: r.rule,
      labels: JSON.parse(r.group_labels) as Record<string, string>,
      activeAt: u(r.active_at),
      value: u(r.value),
    }));
  }

  all(): AlertRow[] {
    return this.store.db.prepare('SELECT * FROM alerter_alerts ORDER BY rule, key').all() as AlertRow[];
  }

  /** Alert states and their transitions, in one transaction. */
  save(
    changed: readonly PersistedAlert[],
    transitions: readonly AlertTransition[],
    now: number,
    historyLimit: number,
  ): void {
    const up = this.store.db.prepare(
      `INSERT INTO alerter_alerts (key, rule, state, group_labels, active_at, fired_at, resolved_at, last_active_at, value, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET rule = excluded.rule, state = excluded.state,
       group_labels = excluded.group_labels, active_at = excluded.active_at, fired_at = excluded.fired_at, resolved_at = excluded.resolved_at,
       last_active_at = excluded.last_active_at, value = excluded.value, updated_at = excluded.updated_at`,
    );
    const hist = this.store.db.prepare(
      'INSERT INTO alerter_history (key, rule, from_state, to_state, at, value, threshold, labels, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.store.tx(() => {
      for (const a of changed) {
        up.run(
          a.key,
          a.rule,
          a.state,
          JSON.stringify(a.groupLabels),
          n(a.activeAt),
          n(a.firedAt),
          n(a.resolvedAt),
          n(a.lastActiveAt),
          n(a.value),
          now,
        );
      }
      for (const t of transitions) {
        const a = t.alert;
        hist.run(
          a.key,
          a.rule,
          t.from,
          t.to,
          t.at,
          n(a.value),
          n(a.threshold),
          JSON.stringify(a.labels),
          a.detail ?? null,
        );
      }
      if (transitions.length > 0) {
        this.store.db
          .prepare('DELETE FROM alerter_history WHERE id <= (SELECT MAX(id) FROM alerter_history) - ?')
          .run(historyLimit);
      }
    });
  }

  history(rule?: string, key?: string, limit = 50): HistoryRow[] {
    const where = key ? 'WHERE key = ?' : rule ? 'WHERE rule = ?' : '';
    const args = key ? [key] : rule ? [rule] : [];
    const rows = this.store.db
      .prepare(`SELECT * FROM alerter_history ${where} ORDER BY id DESC LIMIT ?`)
      .all(...args, limit) as HistoryRow[];
    return rows.reverse();
  }

  loadInventory(): Record<string, Array<Record<string, string>>> {
    const out: Record<string, Array<Record<string, string>>> = {};
    for (const { key, value } of this.store.list<Array<Record<string, string>>>(INVENTORY_NS))
      out[key] = value;
    return out;
  }

  saveInventory(inv: Record<string, Array<Record<string, string>>>): void {
    this.store.tx(() => {
      for (const { key } of this.store.list(INVENTORY_NS))
        if (!(key in inv)) this.store.delete(INVENTORY_NS, key);
      for (const [rule, list] of Object.entries(inv)) this.store.put(INVENTORY_NS, rule, list);
    });
  }
}
