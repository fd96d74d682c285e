/**
 * The engine's fast path (fast-path.ts) decides a quiet sample from a ring's header alone: the
 * engine must decide exactly as it does without it (the rules' `fast` removed), on random rules
 * and samples, and a deliberately wrong fast path must show in these runs.
 */
import { ManualClock } from '../../core/clock';
import type { LookoutEvent } from '../../core/events';
import { compileRules, type CompiledRule } from '../rules/compile';
import { loadRuleText } from '../rules/load';
import { metric, T0 } from '../testing/fixtures';
import { Engine } from './engine';
import type { FastReduce } from './fast-path';
import { DONE, FastPath } from './fast-path';

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

const METRICS = ['cpu.percent', 'mem.percent'];
const REDUCERS = ['avg', 'min', 'max', 'sum', 'count', 'rate', 'last', 'p95'];
const OPS = ['>', '>=', '<', '<='];

/** Random threshold rules, several per metric (so the series index and fast path are in play). */
function rulesYaml(rand: () => number, n: number, oneEach = false): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines = ['rules:'];
  for (let i = 0; i < n; i++) {
    const reduce = pick(REDUCERS);
    const op = pick(OPS);
    const t = reduce === 'count' ? 6 : reduce === 'sum' ? 300 : reduce === 'rate' ? 2 : 50;
    const above = op.startsWith('>');
    const extras = [
      rand() < 0.5 ? `for: ${Math.floor(rand() * 15)}s` : '',
      rand() < 0.3 ? 'keep_firing_for: 5s' : '',
      rand() < 0.3 && reduce !== 'count' ? `clear: ${above ? t - 15 : t + 15}` : '',
      rand() < 0.3 ? `where: {container: {regex: 'c[0-3]'}}` : '',
      rand() < 0.2 ? 'group_by: [host]' : '',
    ].filter(Boolean);
    lines.push(
      `  - {name: r${i}, kind: threshold, metric: ${oneEach ? METRICS[i] : pick(METRICS)}, reduce: ${reduce}, window: ${pick(['5s', '30s'])}, op: '${op}', threshold: ${t}, ${[...extras, ''].join(', ')}summary: s}`,
    );
  }
  return lines.join('\n');
}

function compiled(yaml: string): CompiledRule[] {
  const loaded = loadRuleText('r.yaml', yaml);
  expect(loaded.problems).toEqual([]);
  return compileRules(loaded.rules, { latenessMs: 2_000 });
}

type FastEdit = (f: FastReduce) => FastReduce | undefined;
const withFast = (rules: CompiledRule[], edit: FastEdit): CompiledRule[] =>
  rules.map((r) => {
    const fast = r.evaluator.fast;
    return fast ? { ...r, evaluator: { ...r.evaluator, fast: edit(fast) } } : r;
  });
const noFast = (rules: CompiledRule[]) => withFast(rules, () => undefined);

/**
 * A random walk per series, crossing the thresholds both ways, some late samples, ticks once per
 * second of event time, and halfway a reload that changes some rules (their old groups go dead).
 */
function run(seed: number, rules: CompiledRule[], reload: CompiledRule[]): string[] {
  const rand = prng(seed);
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock, latenessMs: 2_000 });
  const out: string[] = [];
  const note = (t: ReturnType<Engine['ingest']>) => {
    for (const x of t)
      out.push(`${x.at} ${x.alert.key} ${x.from}->${x.to} ${x.alert.value} ${x.alert.activeAt}`);
  };
  note(engine.setRules(rules));
  const level = new Map<string, number>();
  for (let ms = 0; ms < 120_000; ms += 100) {
    clock.set(T0 + ms);
    const batch: LookoutEvent[] = [];
    for (let k = 0; k < 6; k++) {
      const c = `c${Math.floor(rand() * 6)}`;
      const m = METRICS[Math.floor(rand() * METRICS.length)]!;
      const v = Math.max(0, (level.get(c + m) ?? 50) + (rand() - 0.5) * 12);
      level.set(c + m, v);
      const late = rand() < 0.05 ? Math.floor(rand() * 3_000) : 0;
      batch.push(metric(Math.max(0, ms - late), m, Math.round(v * 10) / 10, c));
    }
    note(engine.ingest(batch));
    if (ms % 1_000 === 0) note(engine.tick());
    if (ms % 20_000 === 0) out.push(JSON.stringify(engine.takeChanged()));
    if (ms === 60_000) note(engine.setRules(reload));
  }
  out.push(JSON.stringify(engine.takeChanged()));
  for (const r of engine.rules()) out.push(JSON.stringify(engine.runtime(r.name)!.persisted()));
  return out;
}

/** The rule set and its reload for one seed: a third of the rules changed, one dropped. */
function ruleSets(seed: number, oneEach = false): { rules: CompiledRule[]; reload: CompiledRule[] } {
  const yaml = oneEach ? rulesYaml(prng(seed * 7), METRICS.length, true) : rulesYaml(prng(seed * 7), 24);
  const changed = yaml
    .split('\n')
    .map((l, i) => (i % 3 === 1 ? l.replace('summary: s', 'summary: changed') : l))
    .filter((_, i) => oneEach || i !== 5)
    .join('\n');
  return { rules: compiled(yaml), reload: compiled(changed) };
}

describe('the fast path', () => {
  it.each([1, 2, 3, 4, 5])('decides as the whole path does (seed %i)', (seed) => {
    const { rules, reload } = ruleSets(seed);
    const done = jest.spyOn(FastPath.prototype, 'ingest');
    const fast = run(seed, rules, reload);
    // It was taken, and decided samples on its own.
    expect(done.mock.results.filter((r) => r.value === DONE).length).toBeGreaterThan(10_000);
    done.mockRestore();
    const whole = run(seed, noFast(rules), noFast(reload));
    expect(fast.filter((l) => l.includes('->firing')).length).toBeGreaterThan(5);
    expect(fast.filter((l) => l.includes('firing->resolved')).length).toBeGreaterThan(5);
    expect(fast).toEqual(whole);
  });

  it.each([1, 2, 3, 4, 5, 6])(
    'with one rule per metric (no series index), decides as the whole path does (seed %i)',
    (seed) => {
      const { rules, reload } = ruleSets(seed, true);
      const done = jest.spyOn(FastPath.prototype, 'ingest');
      const fast = run(seed, rules, reload);
      expect(done.mock.results.filter((r) => r.value === DONE).length).toBeGreaterThan(1_000);
      done.mockRestore();
      expect(fast).toEqual(run(seed, noFast(rules), noFast(reload)));
      expect(fast.filter((l) => l.includes('->')).length).toBeGreaterThan(0);
    },
  );

  it.each<[string, FastEdit]>([
    ['compares the other way', (f) => ({ ...f, op: f.op ^ 1 })],
    ['reads the maximum for the average', (f) => ({ ...f, reduce: f.reduce === 0 ? 2 : f.reduce })],
    ['never holds', (f) => ({ ...f, op: 4, threshold: -1, clear: NaN })],
  ])('a fast path that %s decides differently', (_, edit) => {
    const diverged = [1, 2, 3].some((seed) => {
      const { rules, reload } = ruleSets(seed);
      const broken = run(seed, withFast(rules, edit), withFast(reload, edit));
      return JSON.stringify(broken) !== JSON.stringify(run(seed, noFast(rules), noFast(reload)));
    });
    expect(diverged).toBe(true);
  });
});
