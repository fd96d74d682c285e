/**
 * A load of some partitions of the alert-state topic that can read on: the first `readOn` reads
 * them from the start to the end they have then, a later one only what was written since, so a
 * new owner that waits for the old owner's release (alerter/kafka/fence.ts) reads a long
 * partition once rather than once per look. One consumer (a throw-away group that commits
 * nothing, as read-from-start.ts) follows the partitions until `close`.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { LookoutError } from '../../errors';
import { kafkaMetrics as m } from './metrics';
import { endsToRead } from './read-from-start';

/** Node 20 has no Promise.withResolvers. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export type LoadedStates = Map<string, { value: unknown; partition: number }>;

export class StateLoad {
  private readonly states: LoadedStates = new Map();
  /** Per partition, the next offset to read: everything before it was read. */
  private readonly next = new Map<number, bigint>();
  private consumer?: Promise<Consumer>;
  /** Resolved (and replaced) whenever a batch was read. */
  private progress = signal();
  /** Records handed over so far: each record of the partitions once. */
  read = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
    private readonly topic: string,
    private readonly partitions: readonly number[],
    private readonly timeoutMs: number,
  ) {}

  /** Every live state read so far, after reading on to the end the partitions have now. */
  async readOn(): Promise<LoadedStates> {
    const ends = await endsToRead(await this.admin(), this.topic, [...this.partitions]);
    this.consumer ??= this.follow();
    await this.consumer;
    const behind = (): number[] =>
      [...ends].filter(([p, end]) => (this.next.get(p) ?? -1n) < end).map(([p]) => p);
    const until = Date.now() + this.timeoutMs;
    while (behind().length > 0) {
      const left = until - Date.now();
      if (left <= 0)
        throw new LookoutError(`alert states of partitions ${behind().join(',')} not loaded in time`, {
          retriable: true,
        });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((r) => (timer = setTimeout(r, left)));
      await Promise.race([this.progress.promise, late]).finally(() => clearTimeout(timer));
    }
    return new Map(this.states);
  }

  async close(): Promise<void> {
    const consumer = await this.consumer?.catch(() => undefined);
    this.consumer = undefined;
    m.stateLoads.inc(this.states.size);
    await consumer?.disconnect();
  }

  private async follow(): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: `${this.topic}.loader.${randomUUID()}`,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.take(payload) });
    return consumer;
  }

  private take(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!this.partitions.includes(batch.partition)) {
      payload.pause();
      return Promise.resolve();
    }
    for (const msg of batch.messages) {
      if (!msg.key) continue;
      const key = msg.key.toString();
      this.read++;
      if (msg.value === null) this.states.delete(key);
      else
        this.states.set(key, {
          value: JSON.parse(msg.value.toString()) as unknown,
          partition: batch.partition,
        });
    }
    m.stateRecordsRead.inc(batch.messages.length);
    // An empty batch (compacted away) moves the position too.
    const next = BigInt(batch.lastOffset()) + 1n;
    if (next > (this.next.get(batch.partition) ?? -1n)) this.next.set(batch.partition, next);
    this.progress.resolve();
    this.progress = signal();
    return Promise.resolve();
  }
}
