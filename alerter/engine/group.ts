/**
 * One alert group of one rule, with its alert instance's lifecycle kept inline (issue 16).
 *
 * With tens of thousands of groups every sample lands in a different one, and what a sample
 * costs is mostly the memory it touches. A group used to be an object literal pointing to a
 * separate `{ state, activeAt, ... }` object that gained fields as the alert moved on (so the
 * hot path saw several object shapes). Here the lifecycle fields sit in the group itself, all
 * declared up front (one shape for every group), and `alert` is the group seen as its
 * InstanceState: `step(g.alert, ...)` reads and writes the same cache lines as `g.s`.
 */
import type { AlertState } from '../types';
import type { Group } from './model';
import type { InstanceState } from './state';

export class GroupState implements Group, InstanceState {
  // Evaluator state first: the sample path reads it before anything else.
  s: unknown;
  state: AlertState = 'inactive';
  activeAt: number | undefined = undefined;
  firedAt: number | undefined = undefined;
  resolvedAt: number | undefined = undefined;
  lastActiveAt: number | undefined = undefined;
  value: number | undefined = undefined;
  holdUntil: number | undefined = undefined;
  route: string | undefined;

  constructor(
    readonly key: string,
    readonly labels: Record<string, string>,
    s: unknown,
    readonly dedup: string,
    route: string | undefined,
  ) {
    this.s = s;
    this.route = route;
  }

  /** The group's alert instance: the group itself, so no second object to reach. */
  get alert(): InstanceState {
    return this;
  }

  /** Takes a restored or adopted alert state (fields it lacks read as unset). */
  set alert(a: InstanceState) {
    this.state = a.state;
    this.activeAt = a.activeAt;
    this.firedAt = a.firedAt;
    this.resolvedAt = a.resolvedAt;
    this.lastActiveAt = a.lastActiveAt;
    this.value = a.value;
  }
}

/**
 * The alert state alone, as a plain object (for the store and a fleet's hand-off): only the
 * fields that are set, as the separate state object used to have them.
 */
export function instanceState(a: InstanceState): InstanceState {
  const out: InstanceState = { state: a.state };
  if (a.activeAt !== undefined) out.activeAt = a.activeAt;
  if (a.firedAt !== undefined) out.firedAt = a.firedAt;
  if (a.resolvedAt !== undefined) out.resolvedAt = a.resolvedAt;
  if (a.lastActiveAt !== undefined) out.lastActiveAt = a.lastActiveAt;
  if (a.value !== undefined) out.value = a.value;
  return out;
}
