import { checkLine, judge, type Thresholds } from './check';
import { parseMetrics } from './metrics-text';
import { renderStatus } from './render';
import { snapshotOf } from './snapshot';

const NOW = Date.UTC(2026, 11, 6, 2, 0, 0);
const sec = (ms: number) => ms / 1000;

/** prom-client's text for a host with two sinks, lagging logs and one receiver. */
function metrics(
  over: {
    graphiteUp?: number;
    lastGraphite?: number;
    spool?: number;
    lag?: number;
    docker?: number;
    reloadOk?: number;
    outboxAge?: number;
    spoolAge?: number;
    evalLag?: number;
  } = {},
): string {
  return `# HELP lookout_docker_containers containers
# TYPE lookout_docker_containers gauge
lookout_docker_containers 5
lookout_docker_connected ${over.docker ?? 1}
lookout_tail_lag_bytes{container="web-1"} 300
lookout_tail_lag_bytes{container="db \\"main\\""} ${over.lag ?? 2048}
lookout_tail_lag_bytes{container="idle"} 0
lookout_sink_up{sink="graphite"} ${over.graphiteUp ?? 1}
lookout_sink_up{sink="statsd"} 1
lookout_sink_last_success_timestamp_seconds{sink="graphite"} ${sec(over.lastGraphite ?? NOW - 2000)}
lookout_sink_last_success_timestamp_seconds{sink="statsd"} ${sec(NOW - 1000)}
lookout_spool_events{sink="graphite"} ${over.spool ?? 0}
lookout_spool_bytes{sink="graphite"} ${(over.spool ?? 0) * 100}
lookout_spool_oldest_event_age_seconds{sink="graphite"} ${over.spoolAge ?? 0}
lookout_alerter_rules 12
lookout_alerter_reloads_total{result="ok"} 2
lookout_alerter_reloads_total{result="rejected"} 1
lookout_alerter_last_reload_ok ${over.reloadOk ?? 1}
lookout_alerter_last_reload_timestamp_seconds ${sec(NOW - 600_000)}
lookout_alerter_tick_seconds_sum 0.5
lookout_alerter_tick_seconds_count 100
lookout_alerter_event_lag_seconds ${over.evalLag ?? 1.5}
lookout_alerter_last_event_timestamp_seconds ${sec(NOW - 4000)}
lookout_notify_outbox_depth 1
lookout_notify_outbox_oldest_seconds ${over.outboxAge ?? 3}
lookout_notify_deliveries_total{receiver="pagerduty",result="ok"} 4
lookout_notify_deliveries_total{receiver="pagerduty",result="retry"} 1
`;
}

const limits: Thresholds = {
  sinkDownWarnMs: 60_000,
  sinkDownCritMs: 300_000,
  spoolWarn: 1000,
  spoolCrit: 10_000,
  lagWarnBytes: 1_000_000,
  lagCritBytes: 10_000_000,
  outboxAgeWarnMs: 120_000,
  outboxAgeCritMs: 600_000,
  spoolAgeWarnMs: 900_000,
  spoolAgeCritMs: 3_600_000,
  evalLagWarnMs: 120_000,
  evalLagCritMs: 600_000,
};

test('a scrape becomes the snapshot: lag worst first, escaped labels, sinks, receivers, eval time', () => {
  const s = snapshotOf(parseMetrics(metrics()));
  expect(s.containers).toBe(5);
  expect(s.dockerConnected).toBe(true);
  expect(s.lag).toEqual([
    { container: 'db "main"', bytes: 2048 },
    { container: 'web-1', bytes: 300 },
  ]);
  expect(s.sinks.map((k) => [k.sink, k.up, k.lastSuccess])).toEqual([
    ['graphite', true, NOW - 2000],
    ['statsd', true, NOW - 1000],
  ]);
  expect(s.reloads).toEqual({ ok: 2, rejected: 1 });
  expect(s.evalSeconds).toBeCloseTo(0.005);
  expect(s.receivers).toEqual([{ receiver: 'pagerduty', ok: 4, retry: 1, rejected: 0 }]);
});

test.each([
  ['healthy', 'OK', {}],
  ['a sink retrying 30 s', 'WARNING', { graphiteUp: 0, lastGraphite: NOW - 30_000 }],
  ['a sink retrying 2 min', 'WARNING', { graphiteUp: 0, lastGraphite: NOW - 120_000 }],
  ['a sink retrying 6 min', 'CRITICAL', { graphiteUp: 0, lastGraphite: NOW - 360_000 }],
  ['a spool past the warning', 'WARNING', { spool: 5000 }],
  ['a spool past the critical', 'CRITICAL', { spool: 20_000 }],
  ['logs lagging 20 MB', 'CRITICAL', { lag: 20_000_000 }],
  ['the outbox stuck 3 min', 'WARNING', { outboxAge: 180 }],
  ['Docker gone', 'CRITICAL', { docker: 0 }],
  ['the last rule reload rejected', 'WARNING', { reloadOk: 0 }],
  ['a spooled event 20 min old', 'WARNING', { spool: 10, spoolAge: 1200 }],
  ['a spooled event 2 h old', 'CRITICAL', { spool: 10, spoolAge: 7200 }],
  ['evaluation 3 min behind event time', 'WARNING', { evalLag: 180 }],
  ['evaluation 11 min behind event time', 'CRITICAL', { evalLag: 660 }],
] as const)('%s is %s', (_what, want, over) => {
  const s = snapshotOf(parseMetrics(metrics(over)));
  const v = judge(s, limits, NOW);
  expect(v.level).toBe(want);
  expect(checkLine(s, v)).toMatch(
    new RegExp(`^LOOKOUT ${want} - .+ \\| containers=5 lag_bytes=\\d+ spool_events=\\d+ outbox=1$`),
  );
});

test('the screen names each part', () => {
  const s = snapshotOf(
    parseMetrics(metrics({ graphiteUp: 0, lastGraphite: NOW - 360_000, spool: 20, spoolAge: 370 })),
  );
  const text = renderStatus(s, {
    metricsUrl: 'http://127.0.0.1:9464',
    api: {
      firing: '2 (0 muted)',
      receivers: new Map([
        [
          'pagerduty',
          {
            receiver: 'pagerduty',
            lastSuccess: NOW - 60_000,
            lastError: { at: NOW - 5000, error: 'HTTP 503' },
          },
        ],
      ]),
    },
    now: NOW,
    verdict: 'LOOKOUT CRITICAL - x',
  });
  expect(text).toContain('docker engine      connected, 5 containers watched');
  expect(text).toContain('logs not shipped   db "main" 2.0 KiB, web-1 300 B');
  expect(text).toMatch(/graphite +RETRYING, last write 6m ago, spool 20 events \(2\.0 KiB, oldest 6m10s\)/);
  expect(text).toContain('evaluation         2s behind event time (newest event 4s ago); 5.0 ms per pass');
  expect(text).toContain(
    'rules              12 loaded; last reload accepted 10m ago; reloads: 2 ok, 1 rejected',
  );
  expect(text).toMatch(
    /pagerduty +4 delivered, 1 retried, 0 rejected; last ok 1m ago; last error 5s ago: HTTP 503/,
  );
  expect(text).toContain('alerts firing      2 (0 muted)');
});

test('a failing /healthz check is CRITICAL with its reason; an ok one with a detail is only shown', () => {
  const s = {
    ...snapshotOf(parseMetrics(metrics())),
    health: {
      alerter: { ok: true },
      bus: { ok: false, detail: 'consumer not in group g.alerter for 20 s' },
    },
  };
  const v = judge(s, limits, NOW);
  expect(v.level).toBe('CRITICAL');
  expect(checkLine(s, v)).toMatch(
    /^LOOKOUT CRITICAL - bus unhealthy: consumer not in group g\.alerter for 20 s \|/,
  );
  const standby = { ...s, health: { bus: { ok: true, detail: 'standby in group g.alerter' } } };
  expect(judge(standby, limits, NOW).level).toBe('OK');
  const text = renderStatus(standby, {
    metricsUrl: 'http://127.0.0.1:9464',
    api: { firing: '0', receivers: new Map() },
    now: NOW,
    verdict: 'LOOKOUT OK - x',
  });
  expect(text).toMatch(/\/healthz +ok \(bus: standby in group g\.alerter\)/);
});
