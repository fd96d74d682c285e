import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { LookoutEvent, Topic } from '../../events';

/** Bus topic -> Kafka topic suffix. Plural names, as Kafka topics usually are. */
const SUFFIX: Record<Topic, string> = {
  log: 'logs',
  metric: 'metrics',
  lifecycle: 'lifecycle',
  heartbeat: 'heartbeats',
};
export const STATE_SUFFIX = 'alert-state';
export const NOTES_SUFFIX = 'alert-notes';

export interface TopicNames {
  events: Record<Topic, string>;
  /** Compacted topic of alert states, keyed by alert key, co-partitioned with the event topics. */
  state: string;
  /** Compacted one-partition topic of a fleet's silences and acks, read whole by every alerter. */
  notes: string;
  /** Kafka topic -> bus topic, for the consumer side. */
  byKafka: Map<string, Topic>;
}

export function topicNames(prefix: string): TopicNames {
  const events = Object.fromEntries(Object.entries(SUFFIX).map(([t, s]) => [t, `${prefix}${s}`])) as Record<
    Topic,
    string
  >;
  return {
    events,
    state: `${prefix}${STATE_SUFFIX}`,
    notes: `${prefix}${NOTES_SUFFIX}`,
    byKafka: new Map(Object.entries(events).map(([t, k]) => [k, t as Topic])),
  };
}

/**
 * The partition key: everything one rule group needs lands in one partition, so one alerter
 * sees it all. Container events go by service (the `lookout.service` label, else the compose
 * service, else the name: ContainerMeta.service); the rest, and heartbeats, by host.
 */
export function eventKey(e: LookoutEvent): string {
  if (e.kind === 'heartbeat') return e.host;
  return e.container?.service || e.host;
}

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition kafkajs's default partitioner (murmur2, as the Java client) picks for `key`
 * among `count` partitions: lets the alerter write an alert state to the state-topic
 * partition its events come from.
 */
export function partitionFor(key: string, count: number, topic = ''): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: count }, (_, i) => ({
    partitionId: i,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic, partitionMetadata, message: { key, value: null } });
}
