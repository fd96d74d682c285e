/**
 * Where the Kafka suite's broker comes from: a real Kafka when KAFKA_BROKERS is set
 * (e.g. `docker run -d -p 9092:9092 apache/kafka:3.9.0`, then KAFKA_BROKERS=127.0.0.1:9092),
 * else the in-memory stand-in of test/support/kafka-standin (a test double, not Kafka).
 */
import { kafkaBusSchema, type KafkaBusConfig } from '../../core/bus/kafka/config';
import type { ContainerMeta, LogEvent } from '../../core/events';
import { KafkaStandin } from '../support/kafka-standin/server';

export interface TestBroker {
  brokers: string[];
  /** Set when the suite runs on the stand-in. */
  standin?: KafkaStandin;
  kind: 'kafka' | 'stand-in';
  stop(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const env = process.env.KAFKA_BROKERS;
  if (env)
    return { brokers: env.split(',').map((s) => s.trim()), kind: 'kafka', stop: () => Promise.resolve() };
  const standin = await new KafkaStandin({ defaultPartitions: 6 }).start();
  return { brokers: [standin.broker], standin, kind: 'stand-in', stop: () => standin.stop() };
}

/** A bus config for one test: its own topic prefix and group ids, short group timeouts. */
export function testConfig(
  brokers: string[],
  prefix: string,
  over: Partial<Record<keyof KafkaBusConfig, unknown>> = {},
): KafkaBusConfig {
  return kafkaBusSchema.parse({
    brokers,
    client_id: 'lookout-test',
    topic_prefix: prefix,
    group_id: prefix.replace(/\.$/, ''),
    partitions: 6,
    // Kafka's group.min.session.timeout.ms is 6 s by default: the shortest a real broker takes.
    session_timeout: '6s',
    heartbeat_interval: '1s',
    rebalance_timeout: '10s',
    linger: '2ms',
    ...over,
  });
}

export function uniquePrefix(tag: string): string {
  return `lookout-test-${tag}-${process.pid}-${Date.now().toString(36)}.`;
}

export function container(service: string): ContainerMeta {
  return { id: `id-${service}`, name: `${service}-1`, image: 'local/busybox:full', labels: {}, service };
}

export function logEvent(service: string, seq: number, host = 'h1'): LogEvent {
  return {
    kind: 'log',
    host,
    ts: 1_700_000_000_000 + seq,
    container: container(service),
    stream: 'stdout',
    message: `line ${seq} of ${service}`,
    time: new Date(1_700_000_000_000 + seq).toISOString(),
    id: `${service}:${seq}`,
  };
}
