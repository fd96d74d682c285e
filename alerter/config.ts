import { z } from 'zod';
import { duration } from '../core/config/types';

/** The `alerter:` section of the config (rule evaluation; notify has its own section). */
export const alerterConfigSchema = z
  .object({
    /** Rule files or folders (every *.yaml in them that is not a *.test.yaml). */
    rules: z.array(z.string()).min(1).default(['rules']),
    /** How often every group is re-evaluated: `for` elapsing, windows emptying, absence. */
    eval_interval: duration().prefault('1s'),
    /** Events this far behind the clock still count in their own window; absence waits this much longer. */
    lateness: duration().prefault('5s'),
    /** Reload when a rule file changes (debounced), and on SIGHUP. */
    watch: z.boolean().default(true),
    reload_on_sighup: z.boolean().default(true),
    reload_debounce: duration().prefault('500ms'),
    /** Transitions kept in the store for `lookout explain`. */
    history_limit: z.number().int().positive().default(10_000),
    /** graphite-web for Graphite-target rules (kind: graphite): render API, concurrency, meta-alert. */
    graphite: z
      .object({
        url: z.url({ protocol: /^https?$/, error: 'graphite url must be http(s)://host[:port]' }).optional(),
        max_concurrent: z.number().int().positive().default(8),
        blind_after: z.number().int().positive().default(3),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type AlerterConfig = z.output<typeof alerterConfigSchema>;
