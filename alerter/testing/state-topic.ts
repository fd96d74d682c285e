import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { HandedState } from '../kafka/records';
import type { StateLoading, StateStoreTopic } from '../kafka/types';

/**
 * A compacted topic in memory for the hand-off's unit tests: 3 partitions (by the routing
 * key's length), the last value per key wins, null deletes. test/kafka runs the real one.
 */
export class FakeStateTopic implements StateStoreTopic {
  readonly log: StateEntry[] = [];
  /** Every load opened, with the records it read and how often it read on. */
  readonly loads: Array<{ read: number; looks: number }> = [];
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

  /** Reads on from where the last look stopped, like the real one; `read` counts records read. */
  openLoad(partitions: number[]): StateLoading & { read: number; looks: number } {
    const out = new Map<string, { value: unknown; partition: number }>();
    let next = 0;
    const load = {
      read: 0,
      looks: 0,
      readOn: () => {
        load.looks++;
        for (; next < this.log.length; next++) {
          const e = this.log[next]!;
          const p = this.partitionOf(e.routingKey);
          if (!partitions.includes(p)) continue;
          load.read++;
          if (e.value === null) out.delete(e.key);
          else out.set(e.key, { value: e.value, partition: p });
        }
        return Promise.resolve(new Map(out));
      },
      close: () => Promise.resolve(),
    };
    this.loads.push(load);
    return load;
  }

  last(key: string): HandedState | null | undefined {
    const e = [...this.log].reverse().find((x) => x.key === key);
    return e === undefined ? undefined : (e.value as HandedState | null);
  }
}
