import { z } from 'zod';
import { duration, hostPort, secret } from '../../core/config/types';

/**
 * The `sinks:` list of the config file. Several at once are normal (Elasticsearch for logs and
 * Graphite for metrics); each entry picks its kind with `type`. `name` tells two sinks of one
 * type apart (it keys the spool and the /metrics labels), defaulting to the type.
 */
const base = {
  name: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'a sink name is letters, digits, _ and -')
    .optional(),
};

export const stdoutSinkSchema = z.object({ type: z.literal('stdout'), ...base }).strict();

/**
 * `es.internal:9200` parses as a URL of scheme `es.internal:` and used to fail only when the sink
 * first wrote (issue 14): a node URL must say http:// or https://.
 */
const nodeUrl = z.url({
  protocol: /^https?$/,
  error: (iss) =>
    `an Elasticsearch url starts with http:// or https:// (got ${JSON.stringify(iss.input)}; did you mean "http://${String(iss.input)}"?)`,
});

export const elasticsearchSinkSchema = z
  .object({
    type: z.literal('elasticsearch'),
    ...base,
    /** One or more node URLs of the cluster. */
    url: z.union([nodeUrl, z.array(nodeUrl).min(1)]).default('http://127.0.0.1:9200'),
    username: z.string().optional(),
    password: secret().optional(),
    api_key: secret().optional(),
    /** PEM file of the CA that signed the cluster's certificate. */
    ca_file: z.string().optional(),
    /** `data_stream` (append-only, the ES default for logs) or `daily` indices `<prefix>-YYYY.MM.DD`. */
    index_mode: z.enum(['data_stream', 'daily']).default('data_stream'),
    /** Data stream name, or the daily index prefix. Default: `logs-lookout-default` / `lookout-logs`. */
    logs_index: z.string().optional(),
    /** Where container lifecycle events go. Default: `logs-lookout.lifecycle-default` / `lookout-lifecycle`. */
    lifecycle_index: z.string().optional(),
    /** Install the index templates at start (needs the manage_index_templates privilege). */
    install_template: z.boolean().default(true),
    /** Fields parsed from JSON log lines go under this key, so they cannot clash with ECS fields. */
    json_fields_key: z.string().min(1).default('json'),
    request_timeout: duration().default(30_000),
  })
  .strict();

export const logstashSinkSchema = z
  .object({
    type: z.literal('logstash'),
    ...base,
    /** host:port of a Logstash `tcp` input with `codec => json_lines`. */
    address: hostPort(5000).prefault('127.0.0.1:5000'),
    json_fields_key: z.string().min(1).default('json'),
    connect_timeout: duration().default(10_000),
    /** Lines written this long before a connection broke are sent again (TCP has no application ack). */
    resend_window: duration().default(5_000),
  })
  .strict();

const graphiteNaming = {
  /** First path segment. */
  prefix: z.string().default('lookout'),
  /** Graphite 1.1 tags: `prefix.metric;host=h;container=c` instead of `prefix.host.container.metric`. */
  tags: z.boolean().default(false),
};

export const statsdSinkSchema = z
  .object({
    type: z.literal('statsd'),
    ...base,
    ...graphiteNaming,
    address: hostPort(8125).prefault('127.0.0.1:8125'),
    protocol: z.enum(['udp', 'tcp']).default('udp'),
    /**
     * Largest datagram, whole lines only. 1432 fits one Ethernet frame; a bigger UDP datagram is
     * fragmented or dropped on the way. 8932 suits jumbo frames (MTU 9000) end to end.
     */
    max_datagram_bytes: z
      .number()
      .int()
      .min(64, 'max_datagram_bytes is at least 64')
      .max(65507, 'max_datagram_bytes is at most 65507, the most a UDP datagram holds')
      .default(1432),
  })
  .strict();

export const graphiteSinkSchema = z
  .object({
    type: z.literal('graphite'),
    ...base,
    ...graphiteNaming,
    /** host:port of carbon's plaintext receiver. */
    address: hostPort(2003).prefault('127.0.0.1:2003'),
    connect_timeout: duration().default(10_000),
    resend_window: duration().default(5_000),
  })
  .strict();

export const sinkSchema = z.discriminatedUnion('type', [
  stdoutSinkSchema,
  elasticsearchSinkSchema,
  logstashSinkSchema,
  statsdSinkSchema,
  graphiteSinkSchema,
]);

/** The list; empty or absent means one stdout sink. Names must be unique (they key the spool). */
export const sinksSchema = z
  .array(sinkSchema)
  .default([{ type: 'stdout' }])
  .transform((list) => (list.length === 0 ? [{ type: 'stdout' as const }] : list))
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      const n = sinkName(s);
      if (seen.has(n))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `two sinks are named "${n}": give each a distinct name`,
        });
      seen.add(n);
    });
  });

export type SinkConfig = z.output<typeof sinkSchema>;
export type SinkType = SinkConfig['type'];
export type SinkConfigOf<T extends SinkType> = Extract<SinkConfig, { type: T }>;

export function sinkName(c: { type: string; name?: string }): string {
  return c.name ?? c.type;
}
