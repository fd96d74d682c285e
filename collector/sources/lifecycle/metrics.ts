import { Counter } from 'prom-client';

export const lifecycleMetrics = {
  events: new Counter({
    name: 'lookout_docker_lifecycle_events_total',
    help: 'lifecycle events produced, by action',
    labelNames: ['action'],
  }),
};
