import { ConfigError } from '../../core/errors';
import { renderJson } from '../graphite/render';
import type { NotifyConfig } from '../notify/config';
import { compileRule } from '../rules/compile';
import { loadRules, type LoadedRule } from '../rules/load';
import type { CollectorNaming } from './naming';
import { countPages, stockNotifyConfig, type ReceiverCount } from './pages';
import { replay, type ReplayResult } from './replay';
import { historySource } from './sources';

export interface BacktestOptions {
  rules: readonly string[];
  /** Only this rule (by name). */
  rule?: string;
  from: number;
  until: number;
  graphiteUrl: string;
  /** The carbon or StatsD sink's prefix, where collector metrics are. */
  prefix: string;
  /** How collector metrics reached Graphite (naming.ts); default carbon. */
  via?: CollectorNaming['via'];
  /** Deadline of one render request. */
  timeoutMs?: number;
  /** Routes, receivers, inhibition and aggregation to count pages with; default: the stock ones. */
  notify?: NotifyConfig;
}

export interface RuleBacktest {
  rule: string;
  target?: string;
  threshold?: number;
  /** Why the rule could not be replayed. */
  skipped?: string;
  result?: ReplayResult;
  /** Graphite's step over the range: the evaluation step. */
  stepMs?: number;
  /** PagerDuty-style pages (new incident keys) its alerts opened through the routing. */
  pages?: number;
}

export interface BacktestReport {
  rules: RuleBacktest[];
  /** What each receiver would have been sent, all replayed rules together. */
  receivers: ReceiverCount[];
}

/**
 * `lookout backtest`: each metric rule replayed over Graphite history through the live engine,
 * then all of their transitions together through the live dispatcher, which counts the pages
 * (rules of one run inhibit and aggregate each other as they would live). Graphite's own step
 * (1 s, 1 min... by retention) is the evaluation step.
 */
export async function backtest(opts: BacktestOptions): Promise<BacktestReport> {
  const loaded = loadRules(opts.rules);
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  const chosen = loaded.rules.filter((r) => opts.rule === undefined || r.spec.name === opts.rule);
  if (chosen.length === 0)
    throw new ConfigError([
      { file: opts.rules.join(', '), line: 0, col: 0, key: 'rule', message: `no rule named "${opts.rule}"` },
    ]);
  const out: RuleBacktest[] = [];
  for (const r of chosen) out.push(await replayRule(r, opts));
  const steps = out.flatMap((r) => (r.stepMs === undefined ? [] : [r.stepMs]));
  const stepMs = steps.length > 0 ? Math.min(...steps) : 60_000;
  const transitions = out.flatMap((r) => r.result?.transitions ?? []);
  const from = Math.floor(opts.from / stepMs) * stepMs;
  const counted = countPages(transitions, opts.notify ?? stockNotifyConfig(), {
    from,
    until: opts.until,
    stepMs,
  });
  for (const r of out) if (r.result) r.pages = counted.pagesByRule.get(r.rule) ?? 0;
  return { rules: out, receivers: counted.receivers };
}

/** One rule over history through the engine, with Graphite's step; or why it cannot be. */
async function replayRule(r: LoadedRule, opts: BacktestOptions): Promise<RuleBacktest> {
  const spec = r.spec;
  const src = historySource(spec, { via: opts.via ?? 'carbon', prefix: opts.prefix });
  if (typeof src === 'string') return { rule: spec.name, skipped: src };
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
  const series = await renderJson(opts.graphiteUrl, src.target, opts.from - src.leadMs, opts.until, signal);
  const stepMs = stepOf(series.flatMap((s) => s.datapoints.map((d) => d[1])));
  const compiled = compileRule(r, { latenessMs: 0 });
  // Ticks on Graphite's own instants, as the points are: no sub-step offsets in the intervals.
  const from = Math.floor(opts.from / stepMs) * stepMs;
  const result = replay(compiled, src.toSamples(series), { from, until: opts.until, stepMs });
  const threshold = 'threshold' in spec ? spec.threshold : undefined;
  return { rule: spec.name, target: src.target, threshold, result, stepMs };
}

/** The spacing of Graphite's points (its retention step), 1 s at least. */
function stepOf(seconds: number[]): number {
  const sorted = [...new Set(seconds)].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i]! - sorted[i - 1]!);
  return Number.isFinite(step) ? Math.max(1, step) * 1000 : 60_000;
}
