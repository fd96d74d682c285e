import { CompressionTypes, Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '../../logger';
import { kafkaMetrics as m } from './metrics';
import { StateLoad, type LoadedStates } from './state-load';
import { partitionFor } from './topics';

export interface StateEntry {
  /** The alert key (rule + group labels): what compaction keeps the last value of. */
  key: string;
  /** The state as JSON-able data; null deletes it (a tombstone, once the alert is resolved and forgotten). */
  value: unknown;
  /**
   * The partition key of the events that drive this state (their service, else host): the state is
   * written to the same partition number, so the replica that gets the events' partition finds it.
   */
  routingKey: string;
}

/**
 * Alert states in a compacted topic (`<prefix>alert-state`), co-partitioned with the event
 * topics. The alerter puts a group's state before its batch handler resolves (so before the
 * offsets are committed), and a replica that is assigned partitions loads their states first:
 * `for` timers, firing alerts and flap counts survive the hand-off.
 */
export class StateTopic {
  private producer?: Producer;
  private readonly log: Logger;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    /** Partition count of the event topics (and of this one). */
    readonly partitions: () => number,
    logger: Logger,
    private readonly opts: { loadTimeoutMs?: number; admin: () => Promise<Admin> },
  ) {
    this.log = logger.child({ component: 'kafka-state', topic });
  }

  partitionOf(routingKey: string): number {
    return partitionFor(routingKey, this.partitions(), this.topic);
  }

  put(key: string, value: unknown, routingKey: string): Promise<void> {
    return this.putMany([{ key, value, routingKey }]);
  }

  /** Writes the entries and resolves once Kafka acknowledged them all. */
  async putMany(entries: StateEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (!this.producer) {
      const p = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      this.producer = p;
    }
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: entries.map((e) => ({
        key: e.key,
        value: e.value === null ? null : JSON.stringify(e.value),
        partition: this.partitionOf(e.routingKey),
      })),
    });
    m.stateWrites.inc(entries.length);
  }

  /**
   * A load of `partitions` that reads on from where it stopped (state-load.ts); the caller
   * closes it.
   */
  openLoad(partitions: number[]): StateLoad {
    return new StateLoad(
      this.kafka,
      this.opts.admin,
      this.topic,
      partitions,
      this.opts.loadTimeoutMs ?? 120_000,
    );
  }

  /**
   * Every live state in `partitions`: read from the start to the end the partitions have now,
   * last value per key winning, tombstones removing.
   */
  async loadAll(partitions: number[]): Promise<LoadedStates> {
    const load = this.openLoad(partitions);
    try {
      return await load.readOn();
    } finally {
      await load
        .close()
        .catch((err: unknown) => this.log.warn({ err }, 'state loader did not disconnect cleanly'));
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
