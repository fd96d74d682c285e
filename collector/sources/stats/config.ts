import { z } from 'zod';
import { duration } from '../../../core/config/types';

/**
 * `stats:` container resource sampling. `mode: auto` reads cgroup files when the host's are
 * visible (under `host_root`) and the engine is local, else the Engine API; `cgroup` and `api`
 * force one.
 */
export const statsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    interval: duration()
      .default(10_000)
      .refine((ms) => ms >= 1000, { message: 'stats.interval must be at least 1s' }),
    mode: z.enum(['auto', 'cgroup', 'api']).default('auto'),
  })
  .strict();

export type StatsConfig = z.output<typeof statsConfigSchema>;
