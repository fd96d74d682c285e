import { z } from 'zod';
import { duration } from '../../../core/config/types';

/**
 * `host_metrics:` the Docker host itself: load, CPU, memory, pressure, swap, file systems,
 * network and the engine's health, read from host_root's /proc and statfs. `/` and Docker's
 * data-root are always watched; `mounts` adds others (host paths, e.g. `/srv/data`).
 */
export const hostMetricsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    interval: duration()
      .default(10_000)
      .refine((ms) => ms >= 1000, { message: 'host_metrics.interval must be at least 1s' }),
    mounts: z
      .array(
        z
          .string()
          .startsWith('/', { message: 'host_metrics.mounts: each entry must be an absolute host path' }),
      )
      .default([]),
  })
  .strict();

export type HostMetricsConfig = z.output<typeof hostMetricsConfigSchema>;
