import { dedupKey } from '../engine/state';
import type { Alert, AlertTransition } from '../types';

export const BLIND_RULE = 'graphite_rule_blind';

/**
 * The meta-alert of issue 14: a Graphite-target rule that could not be evaluated (graphite-web
 * down, slow or refusing the target) for `after` intervals in a row fires one alert per rule,
 * which resolves on the first good answer. Its own small state machine: the rule's own alerts
 * must not move while it is blind, so this cannot be one of its instances.
 */
export class BlindWatch {
  private readonly failures = new Map<string, number>();
  private readonly firing = new Map<string, Alert>();

  constructor(private readonly after: number) {}

  /** Consecutive failed intervals of a rule. */
  failedIntervals(rule: string): number {
    return this.failures.get(rule) ?? 0;
  }

  failed(rule: string, target: string, reason: string, now: number): AlertTransition[] {
    const n = this.failedIntervals(rule) + 1;
    this.failures.set(rule, n);
    if (n < this.after || this.firing.has(rule)) return [];
    const labels = { rule };
    const alert: Alert = {
      key: dedupKey(BLIND_RULE, labels),
      rule: BLIND_RULE,
      kind: 'graphite',
      severity: 'warning',
      labels,
      summary: `rule ${rule} could not query Graphite for ${n} intervals: its alerts are frozen`,
      detail: `target ${target}: ${reason}`,
      value: n,
      threshold: this.after,
      state: 'firing',
      activeAt: now,
      firedAt: now,
    };
    this.firing.set(rule, alert);
    return [{ alert, from: 'inactive', to: 'firing', at: now }];
  }

  ok(rule: string, now: number): AlertTransition[] {
    this.failures.delete(rule);
    const alert = this.firing.get(rule);
    if (!alert) return [];
    this.firing.delete(rule);
    const resolved: Alert = { ...alert, state: 'resolved', resolvedAt: now, value: 0 };
    return [{ alert: resolved, from: 'firing', to: 'resolved', at: now }];
  }

  /**
   * Takes over a meta-alert another replica fired (a fleet's hand-over, from the state topic):
   * firing here with no transition, so the first good answer resolves it and more failures do
   * not fire it again. The failure count starts over.
   */
  adopt(rule: string, alert: Alert): void {
    if (!this.firing.has(rule)) this.firing.set(rule, { ...alert, state: 'firing' });
  }

  /** A rule now another replica's: forgotten without a transition (its new owner resolves it). */
  drop(rule: string): void {
    this.failures.delete(rule);
    this.firing.delete(rule);
  }

  /** Rules counted or firing here. */
  rules(): string[] {
    return [...new Set([...this.failures.keys(), ...this.firing.keys()])];
  }

  /** A rule that is gone (reload) no longer counts; its meta-alert resolves. */
  forget(keep: ReadonlySet<string>, now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const rule of [...this.failures.keys(), ...this.firing.keys()])
      if (!keep.has(rule)) out.push(...this.ok(rule, now));
    return out;
  }
}
