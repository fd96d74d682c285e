/** Engine.adopt / Engine.release: the engine's half of a fleet's rebalance (alerter/kafka). */
import { engineFor, metric, T0 } from '../testing/fixtures';
import type { AlertTransition } from '../types';
import type { Engine } from './engine';

const RULE = `rules:
  - name: hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 10s
    op: '>'
    threshold: 80
    for: 20s
    on_no_data: resolve
    group_by: [service, host]
    severity: warning
    summary: '{{ service }} hot'
`;

const fmt = (ts: AlertTransition[]) =>
  ts.map((t) => `t=${(t.at - T0) / 1000} ${t.alert.labels.service} ${t.from}->${t.to}`);

/** Feeds `hot` samples of `service` every second in [from, to) and ticks every second up to `until`. */
function drive(
  e: { engine: Engine; clock: { set(t: number): void } },
  from: number,
  until: number,
  hot: Record<string, [number, number]>,
): string[] {
  const out: AlertTransition[] = [];
  for (let t = from; t <= until; t += 1000) {
    e.clock.set(T0 + t);
    for (const [svc, [a, b]] of Object.entries(hot))
      if (t >= a && t < b) out.push(...e.engine.ingest([metric(t, 'cpu.percent', 95, svc)]));
    out.push(...e.engine.tick());
  }
  return fmt(out);
}

function handOver(from: Engine, at: number, service: string) {
  const to = engineFor(RULE);
  to.clock.set(T0 + at);
  const states = from
    .runtime('hot')!
    .persisted()
    .filter((p) => p.routingKey === service);
  return { to, result: to.engine.adopt(states) };
}

describe('hand-off between alerters', () => {
  it('a firing alert is adopted silently, held while the window refills, and stays firing on fresh events', () => {
    const x = engineFor(RULE);
    expect(drive(x, 0, 25_000, { api: [0, 26_000] })).toEqual([
      't=0 api inactive->pending',
      't=20 api pending->firing',
    ]);
    const { to: y, result } = handOver(x.engine, 26_000, 'api');
    expect(result.adopted).toBe(1);
    expect(result.firing.map((a) => [a.labels.service, a.state, a.firedAt])).toEqual([
      ['api', 'firing', T0 + 20_000],
    ]);
    // No data for 5 s (the rebalance), then events again: no transition at all.
    expect(drive(y, 26_000, 60_000, { api: [31_000, 61_000] })).toEqual([]);
  });

  it('without events the adopted alert resolves only once the window has had time to refill', () => {
    const x = engineFor(RULE);
    drive(x, 0, 25_000, { api: [0, 26_000] });
    const { to: y } = handOver(x.engine, 26_000, 'api');
    expect(drive(y, 26_000, 40_000, {})).toEqual(['t=36 api firing->resolved']);
  });

  it('a pending alert keeps its `for` start: it fires at start + for, not later', () => {
    const x = engineFor(RULE);
    expect(drive(x, 0, 5_000, { api: [0, 6_000] })).toEqual(['t=0 api inactive->pending']);
    const { to: y } = handOver(x.engine, 8_000, 'api');
    const got = drive(y, 8_000, 30_000, { api: [12_000, 31_000] });
    expect(got).toEqual(['t=20 api pending->firing']);
    expect(y.engine.runtime('hot')!.persisted()[0]).toMatchObject({ activeAt: T0, firedAt: T0 + 20_000 });
  });

  it('release forgets the groups of the partitions that moved, without a transition', () => {
    const x = engineFor(RULE);
    drive(x, 0, 25_000, { api: [0, 26_000], db: [0, 26_000], web: [15_000, 26_000] });
    expect(x.engine.groupCount()).toBe(3);
    expect(x.engine.release((route) => route === 'api' || route === 'web')).toBe(2);
    expect(x.engine.groupCount()).toBe(1);
    expect(x.engine.takeChanged().map((p) => p.routingKey)).toEqual(['db']);
    expect(drive(x, 26_000, 60_000, {})).toEqual(['t=35 db firing->resolved']);
  });

  it('a group is filed under its events partition key: the service, else the host', () => {
    const x = engineFor(RULE);
    x.engine.ingest([metric(0, 'cpu.percent', 95, 'api')]);
    x.engine.ingest([{ kind: 'metric', host: 'h9', ts: T0, name: 'cpu.percent', value: 95, type: 'gauge' }]);
    expect(
      x.engine
        .takeChanged()
        .map((p) => p.routingKey)
        .sort(),
    ).toEqual(['api', 'h9']);
  });

  it('states of a rule not loaded wait for it, and are released with their partition', () => {
    const x = engineFor(RULE);
    drive(x, 0, 5_000, { api: [0, 6_000] });
    const states = x.engine
      .runtime('hot')!
      .persisted()
      .map((p) => ({ ...p, rule: 'other' }));
    const y = engineFor(RULE);
    expect(y.engine.adopt(states).adopted).toBe(0);
    expect(y.engine.release((route) => route === 'api')).toBe(0);
  });
});
