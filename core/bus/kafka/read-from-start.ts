/**
 * Reads a compacted topic from its beginning with a consumer group of its own that commits
 * nothing: a load, which stops at the end the partitions had, or a follow, which goes on (the
 * notes topic whole at a replica's start; the alert-state topic has its own, state-load.ts).
 * kafkajs reads only through groups, hence the throw-away group id.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { LookoutError } from '../../errors';

export interface TopicRecord {
  key: string;
  /** The JSON value; null for a tombstone. */
  value: unknown;
  partition: number;
}

export interface StartReading {
  /** Names the group (`<topic>.<role>.<uuid>`), so a broker's group list says who reads. */
  role: string;
  /** Partitions to read; all of them when absent. */
  partitions?: number[];
  /** Stop at the end each partition had when reading began (a load), rather than follow it. */
  stopAtEnd: boolean;
  onRecord(r: TopicRecord): void;
  /** How long reading up to those ends may take; `caughtUp` rejects (retriable) after it. */
  timeoutMs: number;
  /** The error's message, given the partitions not read to their end in time. */
  lateMessage(partitions: number[]): string;
}

export interface TopicReading {
  /** Resolves once every record the partitions held when reading began was handed over. */
  caughtUp: Promise<void>;
  consumer: Consumer;
}

/** The end offset to read up to, per wanted partition that holds anything. */
export async function endsToRead(
  admin: Admin,
  topic: string,
  partitions?: number[],
): Promise<Map<number, bigint>> {
  const want = new Map<number, bigint>();
  for (const o of await admin.fetchTopicOffsets(topic)) {
    const p = Number(o.partition);
    if ((!partitions || partitions.includes(p)) && BigInt(o.high) > BigInt(o.low))
      want.set(p, BigInt(o.high));
  }
  return want;
}

export async function readFromStart(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  opts: StartReading,
): Promise<TopicReading> {
  const ends = await endsToRead(admin, topic, opts.partitions);
  const remaining = new Set(ends.keys());
  let caughtUp!: () => void;
  const reached = new Promise<void>((resolve) => (caughtUp = resolve));
  if (remaining.size === 0) caughtUp();
  const consumer = kafka.consumer({
    groupId: `${topic}.${opts.role}.${randomUUID()}`,
    maxWaitTimeInMs: 250,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const end = ends.get(batch.partition);
      const wanted = !opts.partitions || opts.partitions.includes(batch.partition);
      if (!wanted || (opts.stopAtEnd && end === undefined)) {
        payload.pause();
        return;
      }
      for (const msg of batch.messages) {
        if ((opts.stopAtEnd && BigInt(msg.offset) >= end!) || !msg.key) continue;
        const value = msg.value === null ? null : (JSON.parse(msg.value.toString()) as unknown);
        opts.onRecord({ key: msg.key.toString(), value, partition: batch.partition });
      }
      if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end && remaining.delete(batch.partition)) {
        if (opts.stopAtEnd) payload.pause();
        if (remaining.size === 0) caughtUp();
      }
      await Promise.resolve();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LookoutError(opts.lateMessage([...remaining]), { retriable: true })),
      opts.timeoutMs,
    );
  });
  return { caughtUp: Promise.race([reached, late]).finally(() => clearTimeout(timer)), consumer };
}
