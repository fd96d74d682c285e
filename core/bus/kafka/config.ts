import { z } from 'zod';
import { duration, secret } from '../../config/types';

/**
 * The `kafka:` section: where `lookout collect --bus kafka` publishes and `lookout alert
 * --bus kafka` consumes. Only `brokers` usually needs setting.
 */
export const kafkaBusSchema = z
  .object({
    /** Bootstrap brokers, host:port. */
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d+$/, 'a broker is host:port'))
      .min(1)
      .default(['127.0.0.1:9092']),
    client_id: z.string().min(1).default('lookout'),
    /** Topic names are `<prefix>logs`, `<prefix>metrics`, `<prefix>lifecycle`, `<prefix>heartbeats`, `<prefix>alert-state`. */
    topic_prefix: z
      .string()
      .regex(/^[a-zA-Z0-9._-]*$/, 'a topic prefix is letters, digits, ".", "_" and "-"')
      .default('lookout.'),
    /** Consumer group id prefix; a subscriber named `alerter` joins the group `<group_id>.alerter`. */
    group_id: z.string().min(1).default('lookout'),
    /** Whether to create missing topics with the admin client at start (needs CREATE on the cluster). */
    create_topics: z.boolean().default(true),
    /** Partitions of the topics lookout creates: the most alerter replicas that can share the work. */
    partitions: z.number().int().min(1).max(10_000).default(6),
    /** Replication factor of created topics; -1: 3, or the number of brokers when fewer. */
    replication_factor: z.number().int().min(-1).max(32).default(-1),
    compression: z.enum(['gzip', 'none']).default('gzip'),
    /** How long the producer waits to fill a batch. */
    linger: duration().default(5),
    /** Events per produce request at most. */
    batch_max_events: z.number().int().min(1).default(5_000),
    /** Events accepted by `publish` and not yet acknowledged by Kafka before publishers wait (backpressure). */
    max_buffered_events: z.number().int().min(1).default(50_000),
    /**
     * How long one produce request is retried (broker down, leader moving) before its `done`
     * rejects and the shipping layer spools it. Long enough to ride out a broker restart.
     */
    delivery_timeout: duration().default(120_000),
    request_timeout: duration().default(30_000),
    connection_timeout: duration().default(3_000),
    /** A consumer that has not heartbeated for this long is dropped from the group and its partitions move. */
    session_timeout: duration().default(30_000),
    heartbeat_interval: duration().default(3_000),
    /** How long the group waits for every member to rejoin during a rebalance. */
    rebalance_timeout: duration().default(60_000),
    ssl: z
      .union([
        z.boolean(),
        z
          .object({
            /** PEM file of the CA that signed the brokers' certificates. */
            ca_file: z.string().optional(),
            reject_unauthorized: z.boolean().default(true),
          })
          .strict(),
      ])
      .default(false),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: secret(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => c.heartbeat_interval < c.session_timeout, {
    message: 'heartbeat_interval must be shorter than session_timeout',
    path: ['heartbeat_interval'],
  });

export type KafkaBusConfig = z.output<typeof kafkaBusSchema>;
