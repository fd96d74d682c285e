import { Counter, Gauge, Histogram } from 'prom-client';

/** The alerter's self-metrics, in prom-client's default registry (the lead's /metrics serves it). */
export const alerterMetrics = {
  events: new Counter({
    name: 'lookout_alerter_events_total',
    help: 'events evaluated by the alerter',
    labelNames: ['topic'] as const,
  }),
  late: new Counter({
    name: 'lookout_alerter_late_events_total',
    help: 'events that arrived later than the configured lateness',
  }),
  transitions: new Counter({
    name: 'lookout_alerter_transitions_total',
    help: 'alert state transitions',
    labelNames: ['to'] as const,
  }),
  rules: new Gauge({ name: 'lookout_alerter_rules', help: 'rules loaded' }),
  groups: new Gauge({ name: 'lookout_alerter_groups', help: 'alert instances (rule groups) held in memory' }),
  reloads: new Counter({
    name: 'lookout_alerter_reloads_total',
    help: 'rule reloads',
    labelNames: ['result'] as const,
  }),
  // The last reload's outcome, for `lookout status`: the counter above cannot say which came last.
  lastReloadOk: new Gauge({
    name: 'lookout_alerter_last_reload_ok',
    help: '1 if the last rule reload was accepted, 0 if it was rejected (the last good rules keep running)',
  }),
  lastReloadAt: new Gauge({
    name: 'lookout_alerter_last_reload_timestamp_seconds',
    help: 'when the rules were last reloaded (accepted or rejected)',
  }),
  deliveryFailures: new Counter({
    name: 'lookout_alerter_delivery_failures_total',
    help: 'onTransitions calls that failed (retried on the next tick)',
  }),
  undelivered: new Gauge({
    name: 'lookout_alerter_undelivered_transitions',
    help: 'transitions waiting for a successful onTransitions',
  }),
  tickSeconds: new Histogram({
    name: 'lookout_alerter_tick_seconds',
    help: 'time to re-evaluate every group',
    buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2],
  }),
  // How far behind event time evaluation runs (issue 18), set per batch by runner/event-lag.ts.
  eventLag: new Gauge({
    name: 'lookout_alerter_event_lag_seconds',
    help: 'at the last batch evaluated, how long before it its newest event happened (event time)',
  }),
  lastEventAt: new Gauge({
    name: 'lookout_alerter_last_event_timestamp_seconds',
    help: 'event time of the newest event evaluated so far',
  }),
};
