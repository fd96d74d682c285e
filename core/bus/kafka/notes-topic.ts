import { Partitioners, type Admin, type Consumer, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '../../logger';
import { KafkaTopicsError } from './admin';
import { readFromStart } from './read-from-start';

/** One note: the last value per key is what counts; null deletes the key (a tombstone). */
export interface Note {
  key: string;
  value: unknown;
}

/** The notes topic as its readers and writers see it: what a test can stand in for. */
export interface NotesTopicLike {
  put(key: string, value: unknown): Promise<void>;
  follow(onNote: (note: Note) => void): Promise<void>;
}

export interface NotesTopicOptions {
  admin: () => Promise<Admin>;
  createTopics: boolean;
  /** Replication factor when the topic is created; -1: 3, or the number of brokers when fewer. */
  replicationFactor: number;
  /** How long `follow` may take to read what the topic held when it was called. */
  catchUpTimeoutMs?: number;
}

/**
 * A fleet's shared notes (`<prefix>alert-notes`): one compacted topic with a single partition
 * that every replica reads whole at start and then follows. The alert-state topic is
 * partitioned so that a replica loads only the alerts it owns; notes such as silences and acks
 * concern every replica, so they sit in one partition (one order for all) and compaction keeps
 * the last value per key. Each follower reads through a consumer group of its own that commits
 * nothing: every start reads the topic from its beginning.
 */
export class NotesTopic implements NotesTopicLike {
  private producer?: Producer;
  private consumer?: Consumer;
  private readonly log: Logger;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    logger: Logger,
    private readonly opts: NotesTopicOptions,
  ) {
    this.log = logger.child({ component: 'kafka-notes', topic });
  }

  /** Creates the topic when it is missing (and create_topics allows); an existing one is left as it is. */
  async ensure(): Promise<void> {
    const admin = await this.opts.admin();
    if ((await admin.listTopics()).includes(this.topic)) return;
    if (!this.opts.createTopics) throw new KafkaTopicsError([this.topic], 'create_topics is off.');
    const rf = this.opts.replicationFactor;
    const replicationFactor = rf > 0 ? rf : Math.min(3, (await admin.describeCluster()).brokers.length);
    try {
      await admin.createTopics({
        topics: [
          {
            topic: this.topic,
            numPartitions: 1,
            replicationFactor,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        waitForLeaders: true,
      });
      this.log.info('created the notes topic');
    } catch (err) {
      // Another replica created it at the same moment: fine. Anything else is the operator's to fix.
      if (!(await admin.listTopics()).includes(this.topic))
        throw new KafkaTopicsError([this.topic], `Creating it failed: ${(err as Error).message}.`, err);
    }
  }

  /** Writes one note; resolves once every in-sync replica of the broker has it (acks=-1). */
  async put(key: string, value: unknown): Promise<void> {
    if (!this.producer) {
      // The first writer may come before any replica followed (`lookout silence add` on a new fleet).
      await this.ensure();
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
      messages: [{ key, value: value === null ? null : JSON.stringify(value), partition: 0 }],
    });
  }

  /**
   * Hands every note to `onNote`, oldest first, and keeps doing so for new ones until `close`.
   * Resolves once the notes the topic held at the call are handed over (a replica applies the
   * fleet's silences before it pages anything).
   */
  async follow(onNote: (note: Note) => void): Promise<void> {
    await this.ensure();
    const { caughtUp, consumer } = await readFromStart(this.kafka, await this.opts.admin(), this.topic, {
      role: 'follower',
      stopAtEnd: false,
      onRecord: (r) => onNote({ key: r.key, value: r.value }),
      timeoutMs: this.opts.catchUpTimeoutMs ?? 120_000,
      lateMessage: () => `notes of ${this.topic} not read in time`,
    });
    this.consumer = consumer;
    await caughtUp;
  }

  async close(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    await c
      ?.disconnect()
      .catch((err: unknown) => this.log.warn({ err }, 'notes follower did not disconnect'));
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
