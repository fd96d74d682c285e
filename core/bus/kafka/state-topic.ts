import { CompressionTypes, Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '../../logger';
import { kafkaMetrics as m } from './metrics';
import { readFromStart } from './read-from-start';
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
   * Every live state in `partitions`: read from the start to the end the partitions have now,
   * last value per key winning, tombstones removing (read-from-start.ts).
   */
  async loadAll(partitions: number[]): Promise<Map<string, { value: unknown; partition: number }>> {
    const out = new Map<string, { value: unknown; partition: number }>();
    const { caughtUp, consumer } = await readFromStart(this.kafka, await this.opts.admin(), this.topic, {
      role: 'loader',
      partitions,
      stopAtEnd: true,
      onRecord: (r) => {
        if (r.value === null) out.delete(r.key);
        else out.set(r.key, { value: r.value, partition: r.partition });
      },
      timeoutMs: this.opts.loadTimeoutMs ?? 120_000,
      lateMessage: (late) => `alert states of partitions ${late.join(',')} not loaded in time`,
    });
    try {
      await caughtUp;
    } finally {
      await consumer
        .disconnect()
        .catch((err: unknown) => this.log.warn({ err }, 'state loader did not disconnect cleanly'));
    }
    m.stateLoads.inc(out.size);
    return out;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
