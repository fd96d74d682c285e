import type { HealthChecks } from './healthz';
import { byLabel, samplesOf, total, type Sample } from './metrics-text';

export interface SinkState {
  sink: string;
  up: boolean;
  /** ms epoch of the backend's last acknowledged write; undefined if none yet. */
  lastSuccess?: number;
  spoolEvents: number;
  spoolBytes: number;
  /** Age of the oldest spooled event (event time), seconds; undefined from a lookout without the gauge. */
  spoolAgeSeconds?: number;
}

/** What `lookout status` shows and `--check` judges, read from one /metrics scrape. */
export interface Snapshot {
  containers?: number;
  dockerConnected?: boolean;
  /** Log bytes not yet shipped, worst first. */
  lag: Array<{ container: string; bytes: number }>;
  sinks: SinkState[];
  rules?: number;
  reloads: { ok: number; rejected: number };
  /** The last reload's outcome and time (ms epoch); undefined before the first reload. */
  lastReload?: { ok: boolean; at: number };
  /** Mean time one evaluation pass takes, seconds. */
  evalSeconds?: number;
  /** At the last batch evaluated, how old its newest event was (event time), seconds. */
  eventLagSeconds?: number;
  /** Event time (ms epoch) of the newest event evaluated; undefined before the first. */
  lastEventAt?: number;
  outbox: { depth?: number; oldestSeconds?: number };
  receivers: Array<{ receiver: string; ok: number; retry: number; rejected: number }>;
  /** Partitions this process holds, per Kafka consumer group (a fleet's `lookout alert`). */
  busGroups: Array<{ group: string; partitions: number }>;
  /** /healthz's checks; undefined when not read. */
  health?: HealthChecks;
}

function sinks(samples: Sample[]): SinkState[] {
  const up = byLabel(samples, 'lookout_sink_up', 'sink');
  const last = byLabel(samples, 'lookout_sink_last_success_timestamp_seconds', 'sink');
  const spool = byLabel(samples, 'lookout_spool_events', 'sink');
  const spoolBytes = byLabel(samples, 'lookout_spool_bytes', 'sink');
  const spoolAge = byLabel(samples, 'lookout_spool_oldest_event_age_seconds', 'sink');
  return [...up.keys()].sort().map((sink) => ({
    sink,
    up: up.get(sink) === 1,
    lastSuccess: last.get(sink) ? last.get(sink)! * 1000 : undefined,
    spoolEvents: spool.get(sink) ?? 0,
    spoolBytes: spoolBytes.get(sink) ?? 0,
    spoolAgeSeconds: spoolAge.get(sink),
  }));
}

function receivers(samples: Sample[]): Snapshot['receivers'] {
  const by = new Map<string, Snapshot['receivers'][number]>();
  for (const s of samplesOf(samples, 'lookout_notify_deliveries_total')) {
    const name = s.labels.receiver ?? '';
    const r = by.get(name) ?? { receiver: name, ok: 0, retry: 0, rejected: 0 };
    const result = s.labels.result as 'ok' | 'retry' | 'rejected';
    if (result in r) r[result] += s.value;
    by.set(name, r);
  }
  return [...by.values()].sort((a, b) => a.receiver.localeCompare(b.receiver));
}

function lastReload(samples: Sample[]): Snapshot['lastReload'] {
  const ok = total(samples, 'lookout_alerter_last_reload_ok');
  const at = total(samples, 'lookout_alerter_last_reload_timestamp_seconds');
  // prom-client shows an unset gauge as 0: no reload yet, not a rejected one at the epoch.
  return ok === undefined || !at ? undefined : { ok: ok === 1, at: at * 1000 };
}

export function snapshotOf(samples: Sample[]): Snapshot {
  const connected = total(samples, 'lookout_docker_connected');
  const reloads = byLabel(samples, 'lookout_alerter_reloads_total', 'result');
  const tickSum = total(samples, 'lookout_alerter_tick_seconds_sum');
  const tickCount = total(samples, 'lookout_alerter_tick_seconds_count');
  // prom-client shows an unset gauge as 0: no event evaluated yet.
  const lastEvent = total(samples, 'lookout_alerter_last_event_timestamp_seconds');
  return {
    containers: total(samples, 'lookout_docker_containers'),
    dockerConnected: connected === undefined ? undefined : connected > 0,
    lag: [...byLabel(samples, 'lookout_tail_lag_bytes', 'container')]
      .map(([container, bytes]) => ({ container, bytes }))
      .filter((l) => l.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
    sinks: sinks(samples),
    rules: total(samples, 'lookout_alerter_rules'),
    reloads: { ok: reloads.get('ok') ?? 0, rejected: reloads.get('rejected') ?? 0 },
    lastReload: lastReload(samples),
    evalSeconds: tickSum !== undefined && tickCount ? tickSum / tickCount : undefined,
    eventLagSeconds: lastEvent ? total(samples, 'lookout_alerter_event_lag_seconds') : undefined,
    lastEventAt: lastEvent ? lastEvent * 1000 : undefined,
    outbox: {
      depth: total(samples, 'lookout_notify_outbox_depth'),
      oldestSeconds: total(samples, 'lookout_notify_outbox_oldest_seconds'),
    },
    receivers: receivers(samples),
    busGroups: [...byLabel(samples, 'lookout_kafka_assigned_partitions', 'group')]
      .map(([group, partitions]) => ({ group, partitions }))
      .sort((a, b) => a.group.localeCompare(b.group)),
  };
}
