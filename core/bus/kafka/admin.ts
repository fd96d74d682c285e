import type { Admin, ITopicConfig } from 'kafkajs';
import { LookoutError } from '../../errors';
import type { Logger } from '../../logger';
import type { KafkaBusConfig } from './config';
import type { TopicNames } from './topics';

/** The topics lookout needs are missing and may not be created: says which, and what to do. */
export class KafkaTopicsError extends LookoutError {
  constructor(
    readonly missing: string[],
    reason: string,
    cause?: unknown,
  ) {
    super(
      `Kafka topics missing: ${missing.join(', ')}. ${reason} ` +
        'Create them (same partition count for all; cleanup.policy=compact for the alert-state topic; the alert-notes topic has one partition, compacted) or grant CREATE on the cluster.',
      { retriable: false, cause },
    );
  }
}

/**
 * Makes sure the event topics and the state topic exist; returns the partition count of the
 * event topics (what the state topic's partitions must match). Existing topics are left as they are.
 */
export async function ensureTopics(
  admin: Admin,
  names: TopicNames,
  c: KafkaBusConfig,
  log: Logger,
): Promise<number> {
  const wanted = [...Object.values(names.events), names.state];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    if (!c.create_topics) throw new KafkaTopicsError(missing, 'create_topics is off.');
    // kafkajs speaks CreateTopics up to v3, which cannot ask for "the broker default" (-1, v4+): pick it here.
    const replicationFactor =
      c.replication_factor > 0
        ? c.replication_factor
        : Math.min(3, (await admin.describeCluster()).brokers.length);
    const topics: ITopicConfig[] = missing.map((topic) => ({
      topic,
      numPartitions: c.partitions,
      replicationFactor,
      configEntries: topic === names.state ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    }));
    try {
      await admin.createTopics({ topics, waitForLeaders: true });
      log.info({ topics: missing, partitions: c.partitions }, 'created Kafka topics');
    } catch (err) {
      const type = (err as { type?: string }).type ?? '';
      const errors = (err as { errors?: Array<{ type?: string }> }).errors ?? [];
      if (errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS') && errors.length > 0) {
        // Another replica created them at the same moment.
      } else {
        const denied = /AUTHORIZATION/.test(type) || errors.some((e) => /AUTHORIZATION/.test(e.type ?? ''));
        throw new KafkaTopicsError(
          missing,
          denied
            ? 'The broker refused to create them (not authorised).'
            : `Creating them failed: ${(err as Error).message}.`,
          err,
        );
      }
    }
  }
  const meta = await admin.fetchTopicMetadata({ topics: wanted });
  const counts = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
  const eventCounts = new Set(Object.values(names.events).map((t) => counts.get(t)));
  if (eventCounts.size !== 1 || counts.get(names.state) !== [...eventCounts][0]) {
    log.warn(
      { partitions: Object.fromEntries(counts) },
      "the event topics and the alert-state topic differ in partition count: a service's events may reach two alerters",
    );
  }
  return counts.get(names.events.log) ?? c.partitions;
}
