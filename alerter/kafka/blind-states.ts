/**
 * The blind meta-alert of a Graphite rule (alerter/graphite/blind.ts) in the state topic, filed
 * in the rule's partition like the rule's own alerts, so it moves with the rule: the new owner
 * resolves it on Graphite's first good answer (issue 14's follow-up: when the owner died blind,
 * the incident stayed open). Written from the transitions, as the engine does not hold it.
 */
import type { PersistedAlert } from '../engine/engine';
import { BLIND_RULE } from '../graphite/blind';
import { graphiteRuleRoute } from '../graphite/ownership';
import type { Alert, AlertTransition } from '../types';

/** A blind meta-alert's state: the alert as it was paged rides along (summary, detail). */
export interface BlindState extends PersistedAlert {
  alert: Alert;
}

export const isBlindState = <P extends PersistedAlert>(p: P): p is P & BlindState => p.rule === BLIND_RULE;

/** The states the blind meta-alerts among `transitions` lead to, last one per key winning later. */
export function blindStates(transitions: readonly AlertTransition[]): BlindState[] {
  const out: BlindState[] = [];
  for (const { alert } of transitions) {
    if (alert.rule !== BLIND_RULE) continue;
    out.push({
      key: alert.key,
      rule: BLIND_RULE,
      groupLabels: alert.labels,
      routingKey: graphiteRuleRoute(alert.labels.rule ?? ''),
      state: alert.state,
      activeAt: alert.activeAt,
      firedAt: alert.firedAt,
      resolvedAt: alert.resolvedAt,
      value: alert.value,
      alert,
    });
  }
  return out;
}

/** Blind meta-alerts taken over with their partitions, until the poller takes them. */
export class HandedBlinds {
  private readonly byRule = new Map<string, { alert: Alert; routingKey: string }>();

  /** Keeps the firing ones of `states` and returns their alerts (notify must know them firing). */
  adopt(states: readonly BlindState[]): Alert[] {
    const firing: Alert[] = [];
    for (const s of states) {
      if (s.state !== 'firing' || !s.alert) continue;
      const alert: Alert = { ...s.alert, state: 'firing' };
      this.byRule.set(alert.labels.rule ?? '', { alert, routingKey: s.routingKey ?? '' });
      firing.push(alert);
    }
    return firing;
  }

  takeAll(): Alert[] {
    if (this.byRule.size === 0) return [];
    const out = [...this.byRule.values()].map((e) => e.alert);
    this.byRule.clear();
    return out;
  }

  /** Forgets those of partitions that moved away before the poller took them. */
  release(moved: (routingKey: string) => boolean): void {
    for (const [rule, e] of this.byRule) if (moved(e.routingKey)) this.byRule.delete(rule);
  }
}
