import type { LookoutEvent, Topic } from '../../core/events';
import type { LabelGetter } from './labels';
import type { FastReduce } from './fast-path';
import type { RingSpec } from './window';

/** What an evaluator says about one group at one instant. `value` undefined means no data. */
export interface Observation {
  value: number | undefined;
  active: boolean;
  /** The threshold the value was compared with, for the page and `explain`. */
  threshold?: number;
  /** One line for `explain`: what was computed over which window (only when asked: strings cost). */
  detail?: string | false;
  /** Log lines behind the value, for the page. */
  lines?: string[];
}

/** One alert instance's evaluator state, keyed by its group labels. */
export interface GroupRef<S> {
  readonly key: string;
  readonly labels: Record<string, string>;
  s: S;
}

/** How an evaluator finds (and creates) the groups an event belongs to. */
export interface GroupTable<S> {
  /** The group of this event under the rule's group_by. */
  byEvent(get: LabelGetter): GroupRef<S>;
  /** A group from labels the evaluator computed itself (absence of a service). */
  byLabels(labels: Record<string, string>): GroupRef<S>;
  all(): Iterable<GroupRef<S>>;
  /** Forgets a group; a firing alert of it resolves. */
  drop(key: string): void;
}

export interface EvalDeps {
  latenessMs: number;
}

/**
 * One rule kind, pure: events in (through `ingest`), observations out (through `evaluate`),
 * time only from the `now` handed in. The engine owns alert state, routing and `where`.
 */
export interface Evaluator<S = unknown> {
  readonly topics: readonly Topic[];
  /** For metric rules: the one metric name read, which the router indexes on. */
  readonly metric?: string;
  /** The evaluator applies `where` itself (it reads an inventory, not the event's labels). */
  readonly ownWhere?: boolean;
  newState(): S;
  /**
   * Set when the state is a bare window ring, as newState would build it: the engine then
   * builds the group as that ring, so a sample reaches window and alert state in one object.
   */
  readonly ring?: RingSpec;
  /** With `ring`: the reducer and condition over a ring's header, for the engine's fast path (fast-path.ts). */
  readonly fast?: FastReduce;
  /** Feeds one event that passed `where`; returns the groups whose value may have changed. */
  ingest(
    ev: LookoutEvent,
    get: LabelGetter,
    groups: GroupTable<S>,
    now: number,
  ): GroupRef<S> | GroupRef<S>[] | undefined;
  /** `withDetail`: also say in words what was computed; off on the hot path. */
  evaluate(s: S, now: number, firing: boolean, withDetail?: boolean): Observation;
  /** No data for long: the group can be forgotten once its alert is not firing. */
  idle(s: S, now: number): boolean;
  /**
   * Re-creates a remembered inventory entry after a restart as if just seen, so a host that
   * never comes back is still missed (absence only).
   */
  seed?(s: S, now: number): void;
  /** The condition in words, for `explain`. */
  describe(): string;
}
