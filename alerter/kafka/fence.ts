/**
 * Who holds a partition's alert states, written into that partition of the state topic: the
 * fence that orders a graceful hand-over. The bus runs the partition hooks of every replica at
 * once, when the new assignment is known (core/bus/kafka/consumer.ts, on GROUP_JOIN), so the
 * new owner's load raced the old owner's last state writes: a state written a few ms after the
 * load started was missed, and the new owner fired the alert again (issue 14's double fire).
 * With the fence, an owner marks each partition held once its states are adopted, and released
 * once its last states are written; a new owner that finds it held by another replica reads
 * again until it is released, or until `waitMs` passes (that replica died: what it wrote is all
 * there will be). A mark also names the replica across restarts (its state store's identity,
 * replica-id.ts): a replica that restarted after a crash finds its partitions held by its own
 * previous run, which is dead and writes nothing more, so it does not wait for it.
 */
import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { StateStoreTopic } from './types';

export const FENCE_PREFIX = 'own:';

/** No `v`: a replica of an older release skips it as a state it cannot read. */
interface FenceRecord {
  fence: 1;
  holder: string;
  released: boolean;
  /** The replica across its restarts (absent from marks of older releases). */
  replica?: string;
}

/** Routing keys are hashed to partitions: this many tries find one for any partition. */
const MAX_ROUTE_TRIES = 100_000;

export class PartitionFence {
  private readonly routes = new Map<number, string>();

  constructor(
    private readonly topic: Pick<StateStoreTopic, 'partitionOf'>,
    /** This replica, unique per process start. */
    readonly holder: string,
    /** This replica across its restarts; absent, every other holder is waited for. */
    private readonly replica?: string,
  ) {}

  /** The markers saying this replica holds (or released) `partitions`. */
  entries(partitions: readonly number[], released: boolean): StateEntry[] {
    return partitions.map((p) => {
      const value: FenceRecord = { fence: 1, holder: this.holder, released };
      if (this.replica) value.replica = this.replica;
      return { key: `${FENCE_PREFIX}${p}`, value, routingKey: this.routeOf(p) };
    });
  }

  /**
   * Of `partitions`, those another replica holds and has not released, per what was loaded. A
   * mark of this replica's previous run is not waited for: that run is over.
   */
  unreleased(loaded: ReadonlyMap<string, { value: unknown }>, partitions: readonly number[]): number[] {
    return partitions.filter((p) => {
      const r = loaded.get(`${FENCE_PREFIX}${p}`)?.value as FenceRecord | undefined;
      if (r?.fence !== 1 || r.released || r.holder === this.holder) return false;
      return !(this.replica && r.replica === this.replica);
    });
  }

  /** A routing key the topic maps to partition `p` (the state topic places entries by routing key). */
  private routeOf(p: number): string {
    let route = this.routes.get(p);
    for (let n = 0; route === undefined && n < MAX_ROUTE_TRIES; n++) {
      const candidate = `fence:${p}:${n}`;
      if (this.topic.partitionOf(candidate) === p) route = candidate;
    }
    if (route === undefined) throw new Error(`no routing key maps to state partition ${p}`);
    this.routes.set(p, route);
    return route;
  }
}
