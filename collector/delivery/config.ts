import { z } from 'zod';
import { byteSize, duration } from '../../core/config/types';
import type { RetryPolicy } from '../../core/retry';

/**
 * The `delivery:` section: how every sink batches, retries and spools. The same settings apply
 * to each sink separately (one slow backend does not eat another's budget).
 */
export const deliverySchema = z
  .object({
    /** A batch is sent when it has this many events... */
    batch_max_events: z.number().int().positive().default(5000),
    /** ...or this many bytes (approximate, before encoding)... */
    batch_max_bytes: byteSize().default(8 * 1024 * 1024),
    /**
     * ...or when its oldest event waited this long for company. 0 (the default) sends as soon as
     * the backend is free: the bus hands each topic's next batch only once this one is settled,
     * so waiting gains nothing in-process; under load batches grow while a write is in flight.
     */
    linger: duration().default(0),
    /**
     * Writes to one backend at once, for sinks whose writes are independent requests
     * (Elasticsearch). Two keep the wire busy while the next batch is encoded; batches then
     * finish out of order, which the log tailer's in-order checkpoints absorb.
     */
    max_in_flight: z.number().int().min(1).max(16).default(2),
    /** A batch still waiting behind a slow write after this long spills to the spool, so the tailer moves on. */
    spill_after: duration().default(5000),
    /** Events held in memory per sink, in bytes; beyond it they spill to the spool on disk. */
    memory_max_bytes: byteSize().default(64 * 1024 * 1024),
    /** Deadline of one write to a backend. */
    write_timeout: duration().default(30_000),
    retry: z
      .object({
        initial: duration().default(200),
        max: duration().default(30_000),
        factor: z.number().min(1).default(2),
        jitter: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .prefault({}),
    spool: z
      .object({
        /** Disk the spool of one sink may take (in the state store). */
        max_bytes: byteSize().default(1024 ** 3),
        /**
         * When the bound is hit: `block` stops taking events, so the tailer stops advancing and
         * the log files themselves are the buffer (nothing lost); `drop_oldest` deletes the
         * oldest spooled events and counts them in lookout_spool_dropped_events_total.
         */
        policy: z.enum(['block', 'drop_oldest']).default('block'),
      })
      .strict()
      .prefault({}),
    /** NDJSON files of events a backend refused for good. Default: `dead-letter/` beside the state store. */
    dead_letter_dir: z.string().optional(),
  })
  .strict()
  .prefault({});

export type DeliveryConfig = z.output<typeof deliverySchema>;

export const DEFAULT_DELIVERY: DeliveryConfig = deliverySchema.parse(undefined);

/** The backoff between a sink's attempts; delivery never gives up on its own (the spool holds on). */
export function retryPolicyOf(config: DeliveryConfig): RetryPolicy {
  const r = config.retry;
  return { initialMs: r.initial, maxMs: r.max, factor: r.factor, jitter: r.jitter, maxAttempts: Infinity };
}
