import { z } from 'zod';
import { duration } from '../../core/config/types';
import { DEFAULT_SCHEME, KIBANA } from '../../dashboards/catalog';

const url = () =>
  z
    .string()
    .url()
    .transform((s) => s.replace(/\/+$/, ''));

/** Where the links in a page point. A missing base URL means that link is left out. */
export const linksConfigSchema = z
  .object({
    grafana_url: url().optional(),
    kibana_url: url().optional(),
    /** graphite-web, for the render PNG attached to a page. */
    graphite_url: url().optional(),
    /** The alerter's own API as responders reach it, for the decision-log link. */
    alerter_url: url().optional(),
    /** A runbook given as a bare name in a rule is resolved against this base. */
    runbook_base: url().optional(),
    /** The time range a link shows: this long before the breach... */
    before: duration().prefault('30m'),
    /** ...and this long after it (or until now, for a resolve). */
    after: duration().prefault('15m'),
    graphite: z
      .object({
        /** Unset: taken from the configured sinks (see cli/config.ts), else `lookout`. */
        prefix: z.string().optional(),
        /** Unset: `carbon` with a graphite sink, `statsd` with only a statsd sink, else `carbon`. */
        via: z.enum(['carbon', 'statsd']).optional(),
        metric_dots: z.enum(['keep', 'underscore']).default(DEFAULT_SCHEME.metricDots),
        host_segment: z.string().default(DEFAULT_SCHEME.hostSegment),
      })
      .strict()
      .prefault({}),
    kibana: z
      .object({
        data_view: z.string().default(KIBANA.dataViewId),
        container_field: z.string().default(KIBANA.containerField),
        host_field: z.string().default(KIBANA.hostField),
        /** Used when the alert names a service but no container (a service's pool, an absent service). */
        service_field: z.string().default(KIBANA.serviceField),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type LinksConfig = z.output<typeof linksConfigSchema>;
