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
import {
  FLAG_ACTIVE_AT,
  FLAG_DEAD,
  FLAG_HELD,
  FLAG_LAST_ACTIVE,
  FLAG_VALUE,
  STATE_BITS,
  stateCode,
  stateOf,
} from './fast-path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin pattern requires exactly `any[]` here
type Base = abstract new (...args: any[]) => object;

/** Adds the group's identity and its alert lifecycle to `B` (a plain object, or a Ring). */
function withGroup<B extends Base>(B: B) {
  abstract class WithGroup extends B implements InstanceState {
    // What a sample reads or writes: fields in GroupState, the ring's header in RingGroup (fast-path.ts).
    abstract state: AlertState;
    abstract live: boolean;
    abstract holdUntil: number | undefined;
    abstract activeAt: number | undefined;
    abstract lastActiveAt: number | undefined;
    firedAt: number | undefined = undefined;
    resolvedAt: number | undefined = undefined;
    abstract value: number | undefined;
    key = '';
    labels: Record<string, string> = {};
    dedup = '';
    route: string | undefined = undefined;

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
  state: AlertState = 'inactive';
  live = true;
  holdUntil: number | undefined = undefined;
  activeAt: number | undefined = undefined;
  lastActiveAt: number | undefined = undefined;
  s: unknown;
  value: number | undefined = undefined;

  constructor(s: unknown) {
    super();
    this.s = s;
  }
}

/**
 * A group whose evaluator state is a bare window ring: the group is the ring. Its alert state,
 * liveness and hold live as flags in the ring's header, beside the window aggregates, so the
 * engine's fast path (fast-path.ts) decides a quiet sample from the header alone, without
 * reaching this object (a cache miss per group with tens of thousands of groups).
 */
export class RingGroup extends withGroup(Ring) implements Group {
  private hold: number | undefined = undefined;

  /** The group is its ring: a getter, not a field (no memory read). */
  get s(): Ring {
    return this;
  }

  private get flags(): number {
    return this.ownerNumber(1);
  }

  private set flags(f: number) {
    this.setOwnerNumber(1, f);
  }

  get state(): AlertState {
    return stateOf(this.flags);
  }

  set state(s: AlertState) {
    this.flags = (this.flags & ~STATE_BITS) | stateCode(s);
  }

  get live(): boolean {
    return (this.flags & FLAG_DEAD) === 0;
  }

  set live(v: boolean) {
    this.flags = v ? this.flags & ~FLAG_DEAD : this.flags | FLAG_DEAD;
  }

  get holdUntil(): number | undefined {
    return this.hold;
  }

  set holdUntil(t: number | undefined) {
    this.hold = t;
    this.flags = t === undefined ? this.flags & ~FLAG_HELD : this.flags | FLAG_HELD;
  }

  /** The alert's last value: written on every sample, read on transitions. */
  get value(): number | undefined {
    return this.optional(FLAG_VALUE, 0);
  }

  set value(v: number | undefined) {
    this.setOptional(FLAG_VALUE, 0, v);
  }

  get activeAt(): number | undefined {
    return this.optional(FLAG_ACTIVE_AT, 2);
  }

  set activeAt(t: number | undefined) {
    this.setOptional(FLAG_ACTIVE_AT, 2, t);
  }

  /** Written on every sample while the condition holds. */
  get lastActiveAt(): number | undefined {
    return this.optional(FLAG_LAST_ACTIVE, 3);
  }

  set lastActiveAt(t: number | undefined) {
    this.setOptional(FLAG_LAST_ACTIVE, 3, t);
  }

  /** A header number that may be unset: `flag` says whether it is. */
  private optional(flag: number, at: 0 | 2 | 3): number | undefined {
    return (this.flags & flag) === 0 ? undefined : this.ownerNumber(at);
  }

  private setOptional(flag: number, at: 0 | 2 | 3, v: number | undefined): void {
    this.flags = v === undefined ? this.flags & ~flag : this.flags | flag;
    if (v !== undefined) this.setOwnerNumber(at, v);
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
