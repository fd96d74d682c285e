/**
 * One alert group of one rule, with its alert instance's lifecycle kept inline (issue 16).
 *
 * With tens of thousands of groups every sample lands in a different one, and what a sample
 * costs is mostly the memory it touches: each object on the way (the group, its evaluator
 * state, its alert state) is one more cache miss. So the lifecycle fields sit in the group
 * itself, all declared up front (one object shape for every group), and `alert` is the group
 * seen as its InstanceState. Where a rule's state is a bare window ring (threshold, spike), the
 * group is that ring too (RingGroup): a sample reaches its window, its value and its alert state
 * through one object.
 */
import type { AlertState } from '../types';
import type { Group } from './model';
import type { InstanceState } from './state';
import { Ring, type RingSpec } from './window';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin pattern requires exactly `any[]` here
type Base = abstract new (...args: any[]) => object;

/** Adds the group's identity and its alert lifecycle to `B` (a plain object, or a Ring). */
function withGroup<B extends Base>(B: B) {
  abstract class WithGroup extends B implements InstanceState {
    state: AlertState = 'inactive';
    activeAt: number | undefined = undefined;
    firedAt: number | undefined = undefined;
    resolvedAt: number | undefined = undefined;
    lastActiveAt: number | undefined = undefined;
    abstract value: number | undefined;
    holdUntil: number | undefined = undefined;
    key = '';
    labels: Record<string, string> = {};
    dedup = '';
    route: string | undefined = undefined;
    live = true;

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
  return WithGroup;
}

/** A group whose evaluator state is an object of its own (absence, ratio, log rules, ...). */
export class GroupState extends withGroup(Object) implements Group {
  s: unknown;
  value: number | undefined = undefined;

  constructor(s: unknown) {
    super();
    this.s = s;
  }
}

/** A group whose evaluator state is a bare window ring: the group is the ring. */
export class RingGroup extends withGroup(Ring) implements Group {
  readonly s: Ring = this;

  /** The alert's last value lives in the ring's header: written on every sample, read on transitions. */
  get value(): number | undefined {
    return this.ownerNumber(1) === 0 ? undefined : this.ownerNumber(0);
  }

  set value(v: number | undefined) {
    this.setOwnerNumber(1, v === undefined ? 0 : 1);
    if (v !== undefined) this.setOwnerNumber(0, v);
  }
}

export type RuntimeGroup = GroupState | RingGroup;

/** A new group: its state from the evaluator's factory, or built in when it is a bare ring. */
export function newGroup(
  newState: () => unknown,
  ring: RingSpec | undefined,
  key: string,
  labels: Record<string, string>,
  dedup: string,
  route: string | undefined,
): RuntimeGroup {
  const g = ring ? new RingGroup(ring.shape, ring.options) : new GroupState(newState());
  g.key = key;
  g.labels = labels;
  g.dedup = dedup;
  g.route = route;
  return g;
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
