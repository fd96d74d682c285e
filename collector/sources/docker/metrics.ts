import { Counter, Gauge } from 'prom-client';

/** Self-metrics of discovery, on prom-client's default registry (the lead's /metrics serves it). */
export const dockerMetrics = {
  events: new Counter({
    name: 'lookout_docker_events_total',
    help: 'container events read from the Engine API',
    labelNames: ['action'],
  }),
  reconnects: new Counter({
    name: 'lookout_docker_reconnects_total',
    help: 'times the events stream was reopened after dockerd went away',
  }),
  errors: new Counter({
    name: 'lookout_docker_errors_total',
    help: 'Engine API failures by operation',
    labelNames: ['op'],
  }),
  containers: new Gauge({ name: 'lookout_docker_containers', help: 'containers in the discovery cache' }),
  connected: new Gauge({ name: 'lookout_docker_connected', help: '1 while the events stream is open' }),
};
