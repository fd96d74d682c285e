import { createHash } from 'node:crypto';
import type { AlertState } from '../types';
import type { Observation } from './evaluator';

/** One alert instance's lifecycle, the part that survives restarts. */
export interface InstanceState {
  state: AlertState;
  /** When the condition began to hold (pending since). */
  activeAt?: number;
  firedAt?: number;
  resolvedAt?: number;
  /** Last time the condition held, for keep_firing_for. */
  lastActiveAt?: number;
  value?: number;
}

export interface Timing {
  forMs: number;
  keepFiringForMs: number;
  onNoData: 'keep' | 'fire' | 'resolve';
}

/** Stable across restarts and alerters: rule name and sorted group labels. PagerDuty's dedup_key. */
export function dedupKey(rule: string, groupLabels: Record<string, string>): string {
  const h = createHash('sha256').update(rule);
  for (const k of Object.keys(groupLabels).sort()) h.update(`\n${k}=${groupLabels[k]}`);
  return h.digest('hex').slice(0, 32);
}

/**
 * inactive → pending → firing → resolved, as Prometheus does it: the condition must hold for
 * `for` without a break to fire; with keep_firing_for a firing alert rides out short dips.
 * Mutates `a` and returns the state it left, or undefined when nothing changed.
 */
export function step(a: InstanceState, obs: Observation, now: number, t: Timing): AlertState | undefined {
  let active = obs.active;
  if (obs.value === undefined) {
    if (t.onNoData === 'keep') return undefined;
    active = t.onNoData === 'fire';
  }
  if (obs.value !== undefined) a.value = obs.value;
  const from = a.state;
  if (active) {
    a.lastActiveAt = now;
    if (from === 'inactive' || from === 'resolved') {
      a.activeAt = now;
      a.resolvedAt = undefined;
      a.firedAt = undefined;
      if (t.forMs > 0) {
        a.state = 'pending';
        return from;
      }
    } else if (from === 'firing' || (from === 'pending' && now - a.activeAt! < t.forMs)) {
      return undefined;
    }
    a.state = 'firing';
    a.firedAt = now;
    return from;
  }
  if (from === 'pending') {
    a.state = 'inactive';
    a.activeAt = undefined;
    return from;
  }
  if (from === 'firing') {
    if (t.keepFiringForMs > 0 && now - (a.lastActiveAt ?? now) < t.keepFiringForMs) return undefined;
    a.state = 'resolved';
    a.resolvedAt = now;
    return from;
  }
  return undefined;
}
