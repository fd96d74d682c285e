import { Counter, Gauge } from 'prom-client';

/** Delivery state per sink on /metrics (prom-client default registry). */
const labelNames = ['sink'] as const;

export const queueEvents = new Gauge({
  name: 'lookout_sink_queue_events',
  help: 'events held in memory for the sink, not yet delivered or spooled',
  labelNames,
});
export const queueBytes = new Gauge({
  name: 'lookout_sink_queue_bytes',
  help: 'approximate bytes held in memory for the sink',
  labelNames,
});
export const delivered = new Counter({
  name: 'lookout_sink_delivered_events_total',
  help: 'events the backend acknowledged',
  labelNames,
});
export const deliveredByKind = new Counter({
  name: 'lookout_sink_delivered_events_by_kind_total',
  help: 'events the backend acknowledged, per event kind',
  labelNames: ['sink', 'kind'] as const,
});
export const retries = new Counter({
  name: 'lookout_sink_retries_total',
  help: 'writes tried again after a failure',
  labelNames,
});
export const failures = new Counter({
  name: 'lookout_sink_failures_total',
  help: 'writes that failed (whole or partly)',
  labelNames,
});
export const deadLettered = new Counter({
  name: 'lookout_sink_dead_lettered_total',
  help: 'events the backend refused for good, written to the dead-letter file',
  labelNames,
});
export const lastSuccess = new Gauge({
  name: 'lookout_sink_last_success_timestamp_seconds',
  help: 'when the backend last acknowledged a write',
  labelNames,
});
export const up = new Gauge({
  name: 'lookout_sink_up',
  help: '1 while the last write to the backend succeeded',
  labelNames,
});
export const spoolBytes = new Gauge({
  name: 'lookout_spool_bytes',
  help: 'bytes spooled on disk for the sink',
  labelNames,
});
export const spoolEvents = new Gauge({
  name: 'lookout_spool_events',
  help: 'events spooled on disk for the sink',
  labelNames,
});
export const spoolDropped = new Counter({
  name: 'lookout_spool_dropped_events_total',
  help: 'spooled events deleted unsent because the spool was full (policy drop_oldest)',
  labelNames,
});
export const spoolBlocked = new Gauge({
  name: 'lookout_spool_blocked',
  help: '1 while the spool is full and intake waits (policy block)',
  labelNames,
});
