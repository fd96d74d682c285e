/**
 * The decision log: per alert, what arrived, which route matched, what muted it, what was
 * queued and what the receiver answered. `lookout explain <key>` and the API read it.
 */
import type { StateStore } from '../../core/store/store';
import {
  decisionsAbout,
  deleteDecisionsBefore,
  insertDecision,
  type Decision,
  type DecisionStep,
} from './store/decisions';
import { migrateNotify } from './store/tables';

export type { Decision, DecisionStep } from './store/decisions';

export function recordDecision(
  store: StateStore,
  alertKey: string,
  at: number,
  step: DecisionStep,
  detail: Record<string, unknown>,
  groupId?: string,
): void {
  insertDecision(store, alertKey, at, step, detail, groupId);
}

/** Every decision about one alert (or every alert of one group, given its id), oldest first. */
export function explain(store: StateStore, key: string, limit = 500): Decision[] {
  migrateNotify(store);
  return decisionsAbout(store, key, limit);
}

export function formatDecisions(ds: Decision[]): string {
  return ds
    .map((d) => `${new Date(d.at).toISOString()}  ${d.step.padEnd(9)}  ${JSON.stringify(d.detail)}`)
    .join('\n');
}

/** Keeps the log bounded: entries older than `maxAgeMs` go. */
export function pruneDecisions(store: StateStore, now: number, maxAgeMs: number): void {
  deleteDecisionsBefore(store, now - maxAgeMs);
}
