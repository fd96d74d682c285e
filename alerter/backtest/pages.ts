import { StateStore } from '../../core/store/store';
import { defaultNotifyConfig, type NotifyConfig, type ReceiverConfig } from '../notify/config';
import { dispatch, dispatchContext } from '../notify/dispatch';
import { ingest } from '../notify/ingest';
import { pendingRows, type OutboxRow } from '../notify/outbox';
import { NOTIFIER_KINDS } from '../notify/registry';
import { loadAlerts } from '../notify/store/alerts';
import { loadGroups } from '../notify/store/groups';
import { deleteOutboxRow } from '../notify/store/outbox';
import { migrateNotify } from '../notify/store/tables';
import type { Route } from '../notify/route';
import type { Notification } from '../notify/types';
import type { AlertTransition } from '../types';

/** What one receiver would have been sent over the replayed history. */
export interface ReceiverCount {
  receiver: string;
  /** Whether it pages (PagerDuty-style: it notifies on a new incident key only). */
  paging: boolean;
  /** Every notification queued for it: triggers, updates, repeats and resolves. */
  notifications: number;
  /** Paging receivers: notifications that opened an incident key not open at that moment. */
  pages: number;
}

export interface PageCount {
  receivers: ReceiverCount[];
  /** Per rule: the pages its alerts opened (an aggregate page counts for its rule once). */
  pagesByRule: Map<string, number>;
}

/**
 * The backtest's transitions through the live dispatcher (routes, grouping, inhibition,
 * aggregation, group timers) on a store in memory, its pass time stepped over the history as
 * a manual clock. A pass runs at each transition and, while any alert or group is live, every
 * `stepMs` (never more often than the config's tick): the group timers are honoured to one
 * step, which moves a notification in time but not its count. Nothing is delivered: each
 * queued notification is counted, then taken off the outbox as if its receiver accepted it.
 */
export function countPages(
  transitions: readonly AlertTransition[],
  config: NotifyConfig,
  range: { from: number; until: number; stepMs: number },
): PageCount {
  const store = StateStore.open(':memory:');
  try {
    migrateNotify(store);
    const ctx = dispatchContext(store, config);
    const tally = new Tally(config);
    const sorted = [...transitions].sort((a, b) => a.at - b.at);
    const stepMs = Math.max(range.stepMs, config.tick);
    // A problem that starts just before `until` still pages once its group has waited.
    const end = range.until + longestWait(ctx.root);
    let i = 0;
    for (let now = range.from; now <= end;) {
      const due: AlertTransition[] = [];
      while (i < sorted.length && sorted[i]!.at <= now) due.push(sorted[i++]!);
      if (due.length > 0) ingest(store, due, now, config.flapping);
      dispatch(ctx, now);
      for (const row of pendingRows(store)) {
        tally.add(row);
        deleteOutboxRow(store, row.id);
      }
      const next = sorted[i]?.at ?? Infinity;
      // With nothing left to tell, no timer can fire before the next transition: skip to it.
      const idle = loadGroups(store).size === 0 && loadAlerts(store).length === 0;
      now = idle ? Math.max(next, now + 1) : Math.min(now + stepMs, Math.max(next, now + 1));
    }
    return tally.result();
  } finally {
    store.db.close();
  }
}

function longestWait(r: Route): number {
  return Math.max(r.groupWait, ...r.children.map(longestWait));
}

/**
 * The stock routing, for a backtest without `--config`: the shipped defaults (inhibition,
 * aggregation, grouping) with one PagerDuty receiver, as deploy/lookout.yaml has. Routing reads
 * a receiver's name and type only and nothing is ever sent, so it carries no routing key.
 */
export function stockNotifyConfig(): NotifyConfig {
  const pager = { name: 'pagerduty', type: 'pagerduty' } as unknown as ReceiverConfig;
  return { ...defaultNotifyConfig(), receivers: [pager] };
}

/** Counts notifications per receiver and, on paging receivers, incident keys opened. */
class Tally {
  private readonly counts = new Map<string, ReceiverCount>();
  /** Per receiver, the incident keys open on its side (triggered, not yet resolved). */
  private readonly open = new Map<string, Set<string>>();
  private readonly byRule = new Map<string, number>();
  private readonly types: Map<string, string>;

  constructor(config: NotifyConfig) {
    this.types = new Map(config.receivers.map((r) => [r.name, r.type]));
  }

  add(row: OutboxRow): void {
    if (row.kind !== 'alerts') return;
    const n = JSON.parse(row.payload) as Omit<Notification, 'id'>;
    const paging = NOTIFIER_KINDS.get(this.types.get(row.receiver) ?? 'console')?.pages ?? false;
    const c = this.counts.get(row.receiver) ?? { receiver: row.receiver, paging, notifications: 0, pages: 0 };
    this.counts.set(row.receiver, c);
    c.notifications++;
    if (!paging) return;
    const open = this.open.get(row.receiver) ?? new Set<string>();
    this.open.set(row.receiver, open);
    if (n.status === 'resolved') {
      open.delete(n.incidentKey);
      return;
    }
    if (open.has(n.incidentKey)) return;
    open.add(n.incidentKey);
    c.pages++;
    for (const rule of new Set(n.firing.map((a) => a.rule)))
      this.byRule.set(rule, (this.byRule.get(rule) ?? 0) + 1);
  }

  result(): PageCount {
    const receivers = [...this.counts.values()].sort((a, b) => a.receiver.localeCompare(b.receiver));
    return { receivers, pagesByRule: this.byRule };
  }
}
