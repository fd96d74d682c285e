import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { HandedState } from '../kafka/records';
import type { StateStoreTopic } from '../kafka/types';

/**
 * A compacted topic in memory for the hand-off's unit tests: 3 partitions (by the routing
 * key's length), the last value per key wins, null deletes. test/kafka runs the real one.
 */
export class FakeStateTopic implements StateStoreTopic {
  readonly log: StateEntry[] = [];
  /** Refuse this many non-empty writes, as a broker that went away. */
  failNext = 0;

  partitionOf(routingKey: string): number {
    return routingKey.length % 3;
  }

  putMany(entries: StateEntry[]): Promise<void> {
    if (this.failNext > 0 && entries.length > 0) {
      this.failNext--;
      return Promise.reject(new Error('broker away'));
    }
    this.log.push(...entries);
    return Promise.resolve();
  }

  loadAll(partitions: number[]): Promise<Map<string, { value: unknown; partition: number }>> {
    const out = new Map<string, { value: unknown; partition: number }>();
    for (const e of this.log) {
      const p = this.partitionOf(e.routingKey);
      if (!partitions.includes(p)) continue;
      if (e.value === null) out.delete(e.key);
      else out.set(e.key, { value: e.value, partition: p });
    }
    return Promise.resolve(out);
  }

  last(key: string): HandedState | null | undefined {
    const e = [...this.log].reverse().find((x) => x.key === key);
    return e === undefined ? undefined : (e.value as HandedState | null);
  }
}
