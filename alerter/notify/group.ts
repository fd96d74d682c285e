/**
 * When a group speaks: a pure function of its state, what is firing in it now, and the time.
 * - first notification once the oldest alert has waited `group_wait` (alerts firing together
 *   go out together);
 * - an update when the set changed, no sooner than `group_interval` after the last one;
 * - a repeat after `repeat_interval` while it still fires and is not acknowledged;
 * - a resolve at once when nothing in it fires any more (resolves skip the grouping timers);
 * - an alert that fired and resolved between two notifications is still news: it is told (as
 *   fired, then resolved) with the next one, and a group that never spoke speaks for it at once.
 */
export interface GroupState {
  id: string;
  route: string;
  receiver: string;
  labels: Record<string, string>;
  incidentKey?: string;
  /** When the group first had something to say (group_wait runs from here). */
  firstAt?: number;
  lastFlushAt?: number;
  /** What the last notification said was firing. */
  fingerprint: string;
  members: string[];
  /** Alerts that fired in this group since its last notification and were not told yet. */
  seen: string[];
  /** An aggregate group: one rule over one service (aggregate.ts), not a route's grouping. */
  aggregate?: boolean;
}

export interface GroupNow {
  /** Keys of the alerts firing and not muted in this group, with `~` after flapping ones. */
  firing: string[];
  /** Members of the last notification that still fire but are muted now (silenced, inhibited). */
  mutedMembers: string[];
  /** Alerts that fired here and resolved before any notification named them. */
  flashed: string[];
  /** Every firing alert of the group is acknowledged. */
  acked: boolean;
  /** When the oldest of `firing` came in (clock time): group_wait runs from here. */
  since?: number;
}

export interface Timings {
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
}

export type GroupDecision =
  | { action: 'wait'; state: GroupState }
  | { action: 'drop' }
  | {
      action: 'flush';
      status: 'firing' | 'resolved';
      reason: 'first' | 'update' | 'repeat' | 'resolve';
      state: GroupState;
    };

export const fingerprint = (firing: string[]) => [...firing].sort().join(',');

export function decide(state: GroupState, now: GroupNow, t: Timings, at: number): GroupDecision {
  const fp = fingerprint(now.firing);
  const notified = state.lastFlushAt !== undefined;
  if (!notified) {
    if (now.firing.length === 0 && now.flashed.length === 0) return { action: 'drop' };
    if (now.firing.length === 0)
      return {
        action: 'flush',
        status: 'firing',
        reason: 'first',
        state: { ...state, firstAt: state.firstAt ?? at, lastFlushAt: at, fingerprint: '' },
      };
    const firstAt = state.firstAt ?? Math.min(now.since ?? at, at);
    if (at - firstAt < t.groupWait) return { action: 'wait', state: { ...state, firstAt } };
    return {
      action: 'flush',
      status: 'firing',
      reason: 'first',
      state: { ...state, firstAt, lastFlushAt: at, fingerprint: fp },
    };
  }
  const last = state.lastFlushAt!;
  if (now.firing.length === 0) {
    // Muted members still fire: the incident is quiet, not over.
    if (now.mutedMembers.length > 0) return { action: 'wait', state };
    return {
      action: 'flush',
      status: 'resolved',
      reason: 'resolve',
      state: { ...state, lastFlushAt: at, fingerprint: '' },
    };
  }
  if (fp !== state.fingerprint || now.flashed.length > 0) {
    if (at - last < t.groupInterval) return { action: 'wait', state };
    return {
      action: 'flush',
      status: 'firing',
      reason: 'update',
      state: { ...state, lastFlushAt: at, fingerprint: fp },
    };
  }
  if (at - last >= t.repeatInterval && !now.acked)
    return { action: 'flush', status: 'firing', reason: 'repeat', state: { ...state, lastFlushAt: at } };
  return { action: 'wait', state };
}
