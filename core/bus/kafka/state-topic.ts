import { randomUUID } from 'node:crypto';
import { CompressionTypes, Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { sleep } from '../../clock';
import { LookoutError } from '../../errors';
import type { Logger } from '../../logger';
import { kafkaMetrics as m } from './metrics';
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
   * last value per key winning, tombstones removing. Uses a throw-away consumer group, since
   * kafkajs reads only through groups; it commits nothing.
   */
  async loadAll(partitions: number[]): Promise<Map<string, { value: unknown; partition: number }>> {
    const out = new Map<string, { value: unknown; partition: number }>();
    const admin = await this.opts.admin();
    const ends = await admin.fetchTopicOffsets(this.topic);
    const want = endsToRead(ends, partitions);
    if (want.size === 0) return out;
    const consumer = this.kafka.consumer({
      groupId: `${this.topic}.loader.${randomUUID()}`,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
    const deadline = Date.now() + (this.opts.loadTimeoutMs ?? 120_000);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      const remaining = new Set(want.keys());
      await consumer.run({
        autoCommit: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const end = want.get(batch.partition);
          if (end === undefined) {
            payload.pause();
            return;
          }
          for (const msg of batch.messages) {
            if (BigInt(msg.offset) >= end || !msg.key) continue;
            const key = msg.key.toString();
            if (msg.value === null) out.delete(key);
            else
              out.set(key, {
                value: JSON.parse(msg.value.toString()) as unknown,
                partition: batch.partition,
              });
          }
          if (BigInt(batch.lastOffset()) + 1n >= end) {
            remaining.delete(batch.partition);
            payload.pause();
          }
          await Promise.resolve();
        },
      });
      while (remaining.size > 0) {
        if (Date.now() > deadline)
          throw new LookoutError(
            `alert states of partitions ${[...remaining].join(',')} not loaded in time`,
            { retriable: true },
          );
        await sleep(50);
      }
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

/** The end offset to read up to, per wanted partition that holds anything. */
function endsToRead(ends: Array<{ partition: number; high: string; low: string }>, partitions: number[]) {
  const want = new Map<number, bigint>();
  for (const o of ends) {
    const p = Number(o.partition);
    if (partitions.includes(p) && BigInt(o.high) > BigInt(o.low)) want.set(p, BigInt(o.high));
  }
  return want;
}
