/**
 * Groups with their alert state inline, and threshold or spike groups that are their window ring
 * (group.ts): the engine must decide exactly as it did with a group, a separate alert state and
 * a separate ring, which it still does for a rule whose evaluator gives no ring spec.
 */
import { ManualClock } from '../../core/clock';
import type { LookoutEvent } from '../../core/events';
import { compileRules, type CompiledRule } from '../rules/compile';
import { loadRuleText } from '../rules/load';
import { log, metric, T0 } from '../testing/fixtures';
import { Engine } from './engine';
import { GroupState, instanceState, RingGroup } from './group';
import { windowShape } from './window';

/** A small deterministic PRNG (mulberry32): the same "random" input on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METRICS = ['cpu.percent', 'mem.percent', 'pids.current'];
const REDUCERS = ['avg', 'min', 'max', 'sum', 'count', 'rate', 'last', 'p50', 'p95'];

function rulesYaml(rand: () => number): string {
  const lines = ['rules:'];
  REDUCERS.forEach((reduce, i) => {
    const window = ['5s', '30s', '1m'][i % 3];
    const t = reduce === 'count' ? 8 : reduce === 'sum' ? 300 : reduce === 'rate' ? 2 : 60;
    const extra = i % 2 === 0 ? `, for: ${Math.floor(rand() * 20)}s` : ', keep_firing_for: 10s';
    lines.push(
      `  - {name: t${i}, kind: threshold, metric: ${METRICS[i % 3]}, reduce: ${reduce}, window: ${window}, op: '>', threshold: ${t}${extra}, summary: s}`,
    );
  });
  lines.push(
    `  - {name: clears, kind: threshold, metric: cpu.percent, reduce: avg, window: 10s, threshold: 70, clear: 40, summary: s}`,
    `  - {name: spiky, kind: spike, metric: mem.percent, reduce: avg, window: 10s, factor: 1.5, direction: both, summary: s}`,
  );
  return lines.join('\n');
}

/** The same rules with the ring spec removed: groups keep a separate state object, as before. */
const withoutRings = (rules: CompiledRule[]): CompiledRule[] =>
  rules.map((r) => ({ ...r, evaluator: { ...r.evaluator, ring: undefined } }));

function engineWith(rules: CompiledRule[]): { engine: Engine; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock, latenessMs: 2_000 });
  engine.setRules(rules);
  return { engine, clock };
}

/** A random walk per series, some late samples, ticks once per second of event time. */
function run(seed: number, rules: CompiledRule[]): string[] {
  const rand = prng(seed);
  const { engine, clock } = engineWith(rules);
  const out: string[] = [];
  const note = (t: ReturnType<Engine['ingest']>) => {
    for (const x of t)
      out.push(`${x.at} ${x.alert.key} ${x.from}->${x.to} ${x.alert.value} ${x.alert.summary}`);
  };
  const level = new Map<string, number>();
  for (let ms = 0; ms < 180_000; ms += 250) {
    clock.set(T0 + ms);
    const batch: LookoutEvent[] = [];
    for (let k = 0; k < 4; k++) {
      const c = `c${Math.floor(rand() * 6)}`;
      const m = METRICS[Math.floor(rand() * 3)]!;
      const v = Math.max(0, (level.get(c + m) ?? 50) + (rand() - 0.5) * 30);
      level.set(c + m, v);
      const late = rand() < 0.1 ? Math.floor(rand() * 3_000) : 0;
      batch.push(metric(Math.max(0, ms - late), m, Math.round(v * 10) / 10, c));
    }
    note(engine.ingest(batch));
    if (ms % 1_000 === 0) note(engine.tick());
    if (ms % 30_000 === 0) out.push(JSON.stringify(engine.takeChanged()));
  }
  out.push(JSON.stringify(engine.takeChanged()));
  for (const r of engine.rules()) out.push(JSON.stringify(engine.runtime(r.name)!.persisted()));
  return out;
}

describe('groups with inline alert state', () => {
  it.each([1, 2, 3, 4])('decide as groups with separate state objects did (seed %i)', (seed) => {
    const loaded = loadRuleText('r.yaml', rulesYaml(prng(seed * 7)));
    expect(loaded.problems).toEqual([]);
    const rules = compileRules(loaded.rules, { latenessMs: 2_000 });
    const inline = run(seed, rules);
    const separate = run(seed, withoutRings(rules));
    expect(inline.length).toBeGreaterThan(20);
    expect(inline.filter((l) => l.includes('->firing')).length).toBeGreaterThan(0);
    expect(inline).toEqual(separate);
  });

  it('threshold and spike groups are their ring; other kinds keep a state object', () => {
    const rules = compileRules(
      loadRuleText(
        'r.yaml',
        `rules:
  - {name: hot, kind: threshold, metric: cpu.percent, reduce: avg, window: 10s, threshold: 80, summary: s}
  - {name: boom, kind: log_match, match: [{regex: boom}], window: 1m, summary: s}`,
      ).rules,
      { latenessMs: 0 },
    );
    const { engine } = engineWith(rules);
    engine.ingest([metric(0, 'cpu.percent', 90)]);
    engine.ingest([log(0, 'boom')]);
    const hot = [...engine.runtime('hot')!.groups.values()][0]!;
    const boom = [...engine.runtime('boom')!.groups.values()][0]!;
    expect(hot).toBeInstanceOf(RingGroup);
    expect(hot.s).toBe(hot);
    expect(hot.alert.state).toBe('firing');
    expect(boom).toBeInstanceOf(GroupState);
    expect(boom.s).not.toBe(boom);
  });

  it('a ring group tells a value of 0 from no value, and takes a restored state whole', () => {
    const g = new RingGroup(windowShape(10_000, 0), {});
    expect(g.value).toBeUndefined();
    g.value = 0;
    expect(g.value).toBe(0);
    g.alert = { state: 'firing', activeAt: 5, firedAt: 6, value: -2.5 };
    expect(instanceState(g.alert)).toEqual({ state: 'firing', activeAt: 5, firedAt: 6, value: -2.5 });
    g.alert = { state: 'inactive' };
    expect(instanceState(g)).toEqual({ state: 'inactive' });
    expect(g.value).toBeUndefined();
  });

  it("a ring group's state, liveness, hold and times in its header flags do not disturb each other", () => {
    const g = new RingGroup(windowShape(10_000, 0), {});
    expect([g.state, g.live, g.holdUntil, g.activeAt, g.lastActiveAt]).toEqual([
      'inactive',
      true,
      undefined,
      undefined,
      undefined,
    ]);
    for (const state of ['pending', 'firing', 'resolved', 'inactive'] as const) {
      g.state = state;
      g.activeAt = 0;
      g.holdUntil = 7;
      g.live = false;
      g.lastActiveAt = -3;
      g.value = 0;
      expect([g.state, g.live, g.holdUntil, g.activeAt, g.lastActiveAt, g.value]).toEqual([
        state,
        false,
        7,
        0,
        -3,
        0,
      ]);
      g.activeAt = undefined;
      g.holdUntil = undefined;
      g.live = true;
      expect([g.state, g.live, g.holdUntil, g.activeAt, g.lastActiveAt, g.value]).toEqual([
        state,
        true,
        undefined,
        undefined,
        -3,
        0,
      ]);
      g.lastActiveAt = undefined;
    }
  });
});
