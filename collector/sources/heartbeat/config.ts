import { z } from 'zod';
import { duration } from '../../../core/config/types';

/** `heartbeat:` how often the collector says it is alive, with its inventory of containers. */
export const heartbeatConfigSchema = z
  .object({
    interval: duration()
      .default(10_000)
      .refine((ms) => ms >= 1000, { message: 'heartbeat.interval must be at least 1s' }),
  })
  .strict();

export type HeartbeatConfig = z.output<typeof heartbeatConfigSchema>;
