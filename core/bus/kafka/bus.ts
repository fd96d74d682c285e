import type { Admin, Kafka } from 'kafkajs';
import { LookoutError } from '../../errors';
import type { EventOf, Topic } from '../../events';
import type { HealthCheck } from '../../health/server';
import type { Logger } from '../../logger';
import type { BatchHandler, Bus, SubscribeOptions, Subscription } from '../bus';
import { createKafka } from './client';
import { explainConnectError } from './connect-error';
import type { KafkaBusConfig } from './config';
import { GroupConsumer, type AssignmentHooks, type BatchContext } from './consumer';
import { membershipsCheck } from './membership';
import { BatchingProducer } from './producer';
import { packEvents } from './pack';
import { NotesTopic } from './notes-topic';
import { StateTopic } from './state-topic';
import { ensureTopics } from './admin';
import { topicNames, type TopicNames } from './topics';

export interface KafkaBusDeps {
  logger: Logger;
}

export interface KafkaSubscribeOptions extends SubscribeOptions, AssignmentHooks {
  /** A group with no committed offset starts at the oldest retained event instead of the newest. */
  fromBeginning?: boolean;
}

/** The Kafka handler also learns which partition a batch came from; a plain BatchHandler ignores it. */
export type KafkaBatchHandler<K extends Topic> = (events: EventOf<K>[], ctx: BatchContext) => Promise<void>;

/**
 * The bus of a fleet: `lookout collect --bus kafka` publishes, `lookout alert --bus kafka`
 * subscribes as a consumer group. Same contract as the in-process bus: `publish` resolves
 * once the events are queued (waiting while the producer buffer is full), `done` when Kafka
 * acknowledged them; a subscriber's offsets are committed only after its handler resolved.
 * Subscribers with one `name` share one consumer group `<group_id>.<name>`; different names
 * each get every event, like the in-process bus.
 */
export class KafkaBus implements Bus {
  readonly kafka: Kafka;
  readonly names: TopicNames;
  private producer?: BatchingProducer;
  private readonly groups = new Map<string, GroupConsumer>();
  private admin?: Promise<Admin>;
  private started?: Promise<void>;
  private partitionCount: number;
  private state?: StateTopic;
  private notes?: NotesTopic;
  private readonly log: Logger;

  constructor(
    private readonly config: KafkaBusConfig,
    private readonly deps: KafkaBusDeps,
  ) {
    this.log = deps.logger.child({ component: 'kafka-bus' });
    this.kafka = createKafka(config, deps.logger);
    this.names = topicNames(config.topic_prefix);
    this.partitionCount = config.partitions;
  }

  /**
   * Checks the topics (creating them when `create_topics` allows). Throws a KafkaTopicsError
   * that names the missing topics when they cannot be created. Called by publish/subscribe
   * if not before; call it at start to fail fast.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      const admin = await this.getAdmin();
      this.partitionCount = await ensureTopics(admin, this.names, this.config, this.log);
    })();
    this.started.catch(() => (this.started = undefined));
    return this.started;
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const a = this.kafka.admin();
      await a.connect().catch((err: unknown) => {
        throw explainConnectError(err, this.config);
      });
      return a;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  async publish<K extends Topic>(topic: K, events: EventOf<K>[]): Promise<{ done: Promise<void> }> {
    if (events.length === 0) return { done: Promise.resolve() };
    this.producer ??= new BatchingProducer(this.kafka, this.config, this.deps.logger);
    return this.producer.publish(this.names.events[topic], packEvents(events), events.length);
  }

  subscribe<K extends Topic>(
    topic: K,
    name: string,
    handler: BatchHandler<K> | KafkaBatchHandler<K>,
    opts: KafkaSubscribeOptions = {},
  ): Subscription {
    if (!/^[a-zA-Z0-9._-]+$/.test(name))
      throw new LookoutError(`subscriber name "${name}" is not usable in a consumer group id`);
    const groupId = `${this.config.group_id}.${name}`;
    let group = this.groups.get(name);
    if (!group) {
      group = new GroupConsumer(
        this.kafka,
        groupId,
        this.names,
        { ...this.config, from_beginning: opts.fromBeginning },
        this.deps.logger,
        () => this.start(),
        () => this.partitionCount,
      );
      this.groups.set(name, group);
    }
    const kafkaTopic = this.names.events[topic];
    const g = group;
    g.add({
      topic,
      kafkaTopic,
      handler: handler as (events: unknown[], ctx: BatchContext) => Promise<void>,
      onAssigned: opts.onAssigned,
      onRevoked: opts.onRevoked,
      onCommitted: opts.onCommitted,
    });
    return {
      name,
      depth: () => g.depth(kafkaTopic),
      unsubscribe: async () => {
        await g.remove(kafkaTopic);
        if (g.size === 0 && this.groups.get(name) === g) {
          this.groups.delete(name);
          await g.close();
        }
      },
    };
  }

  /** The compacted alert-state topic, for the alerter's hand-off on rebalance. */
  stateTopic(): StateTopic {
    this.state ??= new StateTopic(this.kafka, this.names.state, () => this.partitionCount, this.deps.logger, {
      admin: () => this.getAdmin(),
    });
    return this.state;
  }

  /** The compacted notes topic every replica follows whole (fleet-wide silences and acks). */
  notesTopic(): NotesTopic {
    this.notes ??= new NotesTopic(this.kafka, this.names.notes, this.deps.logger, {
      admin: () => this.getAdmin(),
      createTopics: this.config.create_topics,
      replicationFactor: this.config.replication_factor,
    });
    return this.notes;
  }

  /** The `bus` check on /healthz: every consumer group of this process in its group and assigned. */
  membershipCheck(): HealthCheck {
    return membershipsCheck(() => [...this.groups.values()].map((g) => g.membership));
  }

  /** Events published and not yet acknowledged, for /metrics and shutdown. */
  pending(): number {
    return this.producer?.depth() ?? 0;
  }

  /** Stops consuming (in-flight batches finish and commit), flushes the producer, disconnects. */
  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.close()));
    this.groups.clear();
    await this.producer?.close();
    await this.state?.close();
    await this.notes?.close();
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }
}
