import { Counter } from 'prom-client';

export const lifecycleMetrics = {
  events: new Counter({
    name: 'lookout_docker_lifecycle_events_total',
    help: 'lifecycle events produced, by action',
    labelNames: ['action'],
  }),
  tailFailures: new Counter({
    name: 'lookout_docker_lifecycle_last_lines_failures_total',
    help: 'die events sent without their last lines because the engine could not give them',
  }),
};
