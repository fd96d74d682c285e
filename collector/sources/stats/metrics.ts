import { Counter, Gauge } from 'prom-client';

export const statsMetrics = {
  reads: new Counter({
    name: 'lookout_stats_reads_total',
    help: 'container stats snapshots taken, by mode (v1, v2, api)',
    labelNames: ['mode'],
  }),
  errors: new Counter({
    name: 'lookout_stats_errors_total',
    help: 'container stats snapshots that failed, by mode',
    labelNames: ['mode'],
  }),
  lastDuration: new Gauge({
    name: 'lookout_stats_collect_seconds',
    help: 'time the last collection round over every container took',
  }),
};
