import type { LookoutEvent } from '../../../core/events';
import { engineFor, heartbeat, life, log, meta, metric, run } from '../../testing/fixtures';
import { RULE_KIND_REGISTRY } from '.';

const rule = (body: string): string => `rules:\n  - name: r\n    summary: s\n${body.replace(/^/gm, '    ')}`;
const s = (n: number): number => n * 1000;
const series = (
  from: number,
  to: number,
  every: number,
  v: (t: number) => number,
  container = 'web',
  name = 'cpu.percent',
): LookoutEvent[] => {
  const out: LookoutEvent[] = [];
  for (let t = from; t <= to; t += every) out.push(metric(t, name, v(t), container));
  return out;
};

type Case = [string, string, LookoutEvent[], number, string[]];

const cases: Case[] = [
  // threshold
  [
    'threshold avg > with for',
    'kind: threshold\nmetric: cpu.percent\nwindow: 10s\nthreshold: 80\nfor: 5s',
    series(0, s(40), s(1), (t) => (t >= s(10) && t < s(25) ? 100 : 0)),
    s(40),
    ['t=18 inactive->pending 90', 't=23 pending->firing 100', 't=26 firing->resolved 80'],
  ],
  [
    'threshold with clear (hysteresis)',
    'kind: threshold\nmetric: cpu.percent\nreduce: last\nwindow: 5s\nthreshold: 80\nclear: 50',
    series(0, s(6), s(1), (t) => [0, 90, 70, 60, 40, 60, 90][t / 1000]!),
    s(6),
    ['t=1 inactive->firing 90', 't=4 firing->resolved 40', 't=6 resolved->firing 90'],
  ],
  [
    'threshold p99 over 10s: 10 % slow answers fire it',
    'kind: threshold\nmetric: probe.latency_ms\nreduce: p99\nwindow: 10s\nthreshold: 500',
    series(s(1), s(10), 100, (t) => (t % 1000 === 0 ? 2000 : 10), 'web', 'probe.latency_ms'),
    s(10),
    ['t=1 inactive->firing 1998.2'],
  ],
  [
    'threshold p50 of the same: does not fire',
    'kind: threshold\nmetric: probe.latency_ms\nreduce: p50\nwindow: 10s\nthreshold: 500',
    series(1100, s(10), 100, (t) => (t % 1000 === 0 ? 2000 : 10), 'web', 'probe.latency_ms'),
    s(10),
    [],
  ],
  [
    'threshold rate of a counter',
    'kind: threshold\nmetric: net.rx_errors\nreduce: rate\nwindow: 10s\nthreshold: 5',
    series(0, s(20), s(1), (t) => (t < s(10) ? 0 : (t - s(10)) / 100), 'web', 'net.rx_errors'),
    s(20),
    ['t=16 inactive->firing 6'],
  ],
  [
    'threshold min < and where regex',
    'kind: threshold\nmetric: cpu.percent\nreduce: min\nwindow: 3s\nop: "<"\nthreshold: 1\nwhere: {container: {regex: "db-.*"}}',
    [...series(0, s(5), s(1), () => 0, 'web'), ...series(0, s(5), s(1), () => 0, 'db-1')],
    s(5),
    ['t=0 inactive->firing 0'],
  ],
  [
    'threshold no data resolves',
    'kind: threshold\nmetric: cpu.percent\nwindow: 5s\nthreshold: 50\non_no_data: resolve',
    series(0, s(3), s(1), () => 99),
    s(12),
    ['t=0 inactive->firing 99', 't=8 firing->resolved 99'],
  ],
  // log_match
  [
    'log_match regex, at least 3 in 10s',
    'kind: log_match\nmatch: {regex: "ERR(OR)?"}\nwindow: 10s\nmin_count: 3',
    [log(0, 'ERROR a'), log(s(1), 'ok'), log(s(2), 'ERR b'), log(s(4), 'ERROR c')],
    s(20),
    ['t=4 inactive->firing 3', 't=10 firing->resolved 2'],
  ],
  [
    'log_match json field compare',
    'kind: log_match\nmatch: {field: http.status, op: ">=", value: 500}\nwindow: 10s',
    [
      log(0, 'x', 'web', { fields: { http: { status: 404 } } }),
      log(s(1), 'y', 'web', { fields: { http: { status: 503 } } }),
    ],
    s(2),
    ['t=1 inactive->firing 1'],
  ],
  [
    'log_match substring ignore case',
    'kind: log_match\nmatch: {contains: timeout, ignore_case: true}\nwindow: 10s',
    [log(s(1), 'Upstream TIMEOUT')],
    s(1),
    ['t=1 inactive->firing 1'],
  ],
  // ratio
  [
    'ratio with min volume',
    'kind: ratio\nmatch: {contains: " 500 "}\nwindow: 10s\nthreshold: 0.2\nmin_total: 5',
    [
      log(0, 'GET / 500 x'),
      log(100, 'GET / 500 x'),
      log(s(1), 'GET / 200 x'),
      log(s(2), 'GET / 200 x'),
      log(s(3), 'GET / 200 x'),
    ],
    s(3),
    ['t=3 inactive->firing 0.4'],
  ],
  // spike
  [
    'spike up by 3x against the previous window',
    'kind: spike\nmatch: {contains: req}\nwindow: 10s\nfactor: 3\nmin_previous: 2',
    [
      ...Array.from({ length: 5 }, (_, i) => log(s(i * 2), 'req')),
      ...Array.from({ length: 20 }, (_, i) => log(s(10) + i * 400, 'req')),
    ],
    s(18),
    ['t=12 inactive->firing 4.5'],
  ],
  // predict
  [
    'predict: a disk filling 1 point a second is "full within 60s" from 40s on, not before',
    'kind: predict\nmetric: host.fs.used_percent\nwindow: 60s\nhorizon: 60s\nop: ">="\nthreshold: 100',
    series(0, s(50), s(1), (t) => t / 1000, 'web', 'host.fs.used_percent'),
    s(50),
    ['t=40 inactive->firing 100'],
  ],
  [
    'predict: a flat disk at 95 % is not predicted full',
    'kind: predict\nmetric: host.fs.used_percent\nwindow: 60s\nhorizon: 4h\nop: ">="\nthreshold: 100',
    series(0, s(120), s(5), () => 95, 'web', 'host.fs.used_percent'),
    s(120),
    [],
  ],
  [
    'predict: a disk that stops filling resolves once the window forgets the climb',
    'kind: predict\nmetric: host.fs.used_percent\nwindow: 20s\nhorizon: 20s\nop: ">="\nthreshold: 100',
    series(0, s(80), s(1), (t) => Math.min(t / 1000 + 60, 85), 'web', 'host.fs.used_percent'),
    s(80),
    ['t=20 inactive->firing 100', 't=34 firing->resolved 99'],
  ],
  // lifecycle
  [
    'crash loop: third death within the window; user stops do not count',
    'kind: lifecycle\ncondition: crash_loop\ncount: 3\nwindow: 1m',
    [
      life(0, 'die', 'web', { exitCode: 1 }),
      life(s(5), 'die', 'web', { exitCode: 137, intent: 'user' }),
      life(s(10), 'die', 'web', { exitCode: 1 }),
      life(s(20), 'die', 'web', { exitCode: 0 }),
    ],
    s(21),
    ['t=20 inactive->firing 3'],
  ],
  [
    'unhealthy until healthy',
    'kind: lifecycle\ncondition: unhealthy',
    [
      life(s(1), 'health_status', 'db', { health: 'unhealthy' }),
      life(s(3), 'health_status', 'db', { health: 'healthy' }),
    ],
    s(4),
    ['t=1 inactive->firing 1', 't=3 firing->resolved 0'],
  ],
  [
    'exited clears on start',
    'kind: lifecycle\ncondition: exited\nfor: 2s',
    [life(0, 'die', 'a', { exitCode: 2 }), life(s(1), 'start', 'a'), life(s(2), 'die', 'b', { exitCode: 2 })],
    s(5),
    [
      't=0 inactive->pending 2',
      't=1 pending->inactive 0',
      't=2 inactive->pending 2',
      't=4 pending->firing 2',
    ],
  ],
  [
    'OOM: oom and die count once',
    'kind: lifecycle\ncondition: oom_killed\nwindow: 10s',
    [life(s(1), 'oom'), life(s(1), 'die', 'web', { exitCode: 137, oomKilled: true })],
    s(12),
    ['t=1 inactive->firing 1', 't=11 firing->resolved 0'],
  ],
  // absence
  [
    'absence of heartbeat per host',
    'kind: absence\nof: heartbeat\nafter: 5s',
    [heartbeat(0, 'a'), heartbeat(0, 'b'), heartbeat(s(4), 'a'), heartbeat(s(8), 'a'), heartbeat(s(12), 'a')],
    s(12),
    ['t=6 inactive->firing 6'],
  ],
  [
    'absence of a metric series; a user stop forgets it',
    'kind: absence\nof: metric\nmetric: cpu.percent\nafter: 3s',
    [metric(0, 'cpu.percent', 1, 'a'), metric(0, 'cpu.percent', 1, 'b'), life(s(1), 'stop', 'b')],
    s(5),
    ['t=4 inactive->firing 4'],
  ],
  [
    'absence of service: fewer than 2 running',
    'kind: absence\nof: service\nafter: 1s\nmin_running: 2\nwhere: {service: api}',
    [
      heartbeat(0, 'h1', [meta('api-1', { service: 'api' }), meta('api-2', { service: 'api' }), meta('db')]),
      heartbeat(s(2), 'h1', [meta('api-1', { service: 'api' })]),
    ],
    s(3),
    ['t=2 inactive->firing 1'],
  ],
  // graphite: samples as the poller feeds them (named after the target, labelled with the series)
  [
    'graphite target: one instance per series, hysteresis as threshold',
    "kind: graphite\ntarget: 'sumSeries(stats.timers.shop.*.checkout.upper_90)'\nseries_labels: {service: 2}\nreduce: last\nwindow: 10s\nthreshold: 500\nclear: 300\ninterval: 10s",
    [
      [0, 600, 'stats.timers.shop.checkout'],
      [0, 100, 'stats.timers.cart.checkout'],
      [s(10), 400, 'stats.timers.shop.checkout'],
      [s(20), 200, 'stats.timers.shop.checkout'],
    ].map(([at, v, series]) =>
      metric(at as number, 'graphite:sumSeries(stats.timers.shop.*.checkout.upper_90)', v as number, 'web', {
        series: series as string,
      }),
    ),
    s(20),
    ['t=0 inactive->firing 600', 't=20 firing->resolved 200'],
  ],
];

const kindOf = (body: string): string | undefined => /^kind: (\w+)/m.exec(body)?.[1];

// Driven by the registry, not by the cases: a kind registered without a case fails here.
describe.each(Object.keys(RULE_KIND_REGISTRY))('rule kind %s (table)', (kind) => {
  const mine = cases.filter(([, body]) => kindOf(body) === kind);
  it('has cases', () => expect(mine.length).toBeGreaterThan(0));
  it.each(mine)('%s', (_name, body, events, until, want) => {
    const { engine, clock } = engineFor(rule(body));
    expect(run(engine, clock, events, until)).toEqual(want);
  });
});

describe('rule kinds', () => {
  it('every case is of a registered kind', () => {
    const unknown = cases.filter(([, body]) => !((kindOf(body) ?? '') in RULE_KIND_REGISTRY));
    expect(unknown.map(([name]) => name)).toEqual([]);
  });

  it('group_by splits alert instances, each with its own labels and key', () => {
    const { engine, clock } = engineFor(
      rule('kind: log_match\nmatch: {contains: x}\nwindow: 5s\ngroup_by: [container]'),
    );
    run(engine, clock, [log(0, 'x', 'a'), log(0, 'x', 'b')], 0);
    const groups = [...engine.runtime('r')!.groups.values()];
    expect(groups.map((g) => g.labels)).toEqual([{ container: 'a' }, { container: 'b' }]);
    expect(new Set(groups.map((g) => g.dedup)).size).toBe(2);
  });

  it('renders summary templates and extra labels', () => {
    const { engine, clock } = engineFor(
      'rules:\n  - name: r\n    kind: threshold\n    metric: cpu.percent\n    window: 5s\n    threshold: 1\n    labels: {team: core}\n    summary: "{{ container }} at {{ value }}% (> {{ threshold }}) for {{ team }}"',
    );
    clock.set(1_700_000_000_000);
    const t = engine.ingest([metric(0, 'cpu.percent', 12.345)]);
    expect(t[0]!.alert).toMatchObject({
      summary: 'web at 12.35% (> 1) for core',
      labels: { host: 'h1', container: 'web', team: 'core' },
      state: 'firing',
    });
    void run;
  });

  it('counts events later than the lateness, and clamps events from the future', () => {
    const { engine, clock } = engineFor(rule('kind: log_match\nmatch: {contains: x}\nwindow: 1m'), 2000);
    clock.set(1_700_000_000_000 + s(30));
    engine.ingest([log(s(10), 'x'), log(s(29), 'x'), log(s(90), 'x')]);
    expect(engine.counters.late).toBe(1);
    expect(engine.runtime('r')!.groups.values().next().value!.alert.value).toBe(3);
  });
});
