import fs from 'node:fs';
import { backtest } from '../alerter/backtest/backtest';
import type { CollectorNaming } from '../alerter/backtest/naming';
import { renderPng } from '../alerter/backtest/png';
import { formatBacktest, overPageBudget } from '../alerter/backtest/report';
import { parseDuration } from '../core/duration';
import { withSecretsResolvedWhenUsed } from '../core/config/types';
import { UsageError } from './usage/usage-error';
import { closest } from '../alerter/rules/hint';
import { loadRules } from '../alerter/rules/load';
import type { Outcome } from './authoring';
import { resolveRulePaths } from './alerter';
import { readConfig, type LookoutConfig } from './config';

export interface BacktestCliOptions {
  rule?: string;
  from: string;
  until: string;
  graphite?: string;
  prefix?: string;
  via?: string;
  png?: string;
  maxPages?: string;
  config?: string;
}

/** `now`, `-7d` (ago), an ISO date, or unix seconds, as ms since the epoch; `flag` names it in the error. */
export function parseInstant(text: string, now: number, flag = '--from'): number {
  if (text === 'now') return now;
  if (text.startsWith('-')) {
    const ms = parseDuration(text.slice(1));
    if (ms !== undefined) return now - ms;
  }
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000;
  const t = Date.parse(text);
  if (!Number.isNaN(t)) return t;
  throw new UsageError(`${flag} "${text}" is not a time: use now, -7d, -90m, an ISO date or unix seconds`);
}

/**
 * Where the collector's metrics are: `--via`/`--prefix`, else what the config's sinks imply
 * (cli/config.ts derives it for the alerter's links), else carbon under `lookout`.
 */
function collectorNaming(o: BacktestCliOptions, cfg: LookoutConfig | undefined): CollectorNaming {
  const via = o.via ?? cfg?.notify.links.graphite.via ?? 'carbon';
  if (via !== 'carbon' && via !== 'statsd')
    throw new UsageError(`--via takes carbon or statsd, not "${via}"`);
  return { via, prefix: o.prefix ?? cfg?.notify.links.graphite.prefix ?? 'lookout' };
}

/** --rule names a rule of the files given; else the nearest name (valid files only: their problems come later). */
function checkRuleName(name: string, rulePaths: readonly string[]): void {
  const loaded = loadRules(rulePaths);
  const names = loaded.rules.map((r) => r.spec.name);
  if (loaded.problems.length > 0 || names.includes(name)) return;
  const near = closest(name, names);
  throw new UsageError(
    `--rule ${name}: no rule by that name in ${rulePaths.join(', ')}${near ? `; did you mean "${near}"?` : ''}`,
  );
}

/**
 * `lookout backtest RULE_FILE`: how often the rules would have fired over Graphite history.
 * Exit 0 always, except 1 with `--max-pages N` when a rule would have paged more than N times.
 */
export async function backtestAction(paths: string[], o: BacktestCliOptions): Promise<Outcome> {
  const now = Date.now();
  // The config gives Graphite's URL and the routing the pages are counted with.
  // Only alerter.graphite.url is read: the config's secrets are neither needed nor looked up.
  const cfg = o.graphite && !o.config ? undefined : withSecretsResolvedWhenUsed(() => readConfig(o.config));
  const graphiteUrl = o.graphite ?? cfg?.alerter.graphite.url;
  if (!graphiteUrl) throw new UsageError('no Graphite: pass --graphite URL or set alerter.graphite.url');
  const maxPages = o.maxPages === undefined ? undefined : Number(o.maxPages);
  if (maxPages !== undefined && !(Number.isInteger(maxPages) && maxPages >= 0))
    throw new UsageError(`--max-pages takes a whole number, not "${o.maxPages}"`);
  const rules = paths.length > 0 ? paths : resolveRulePaths(cfg?.alerter.rules ?? ['rules']);
  if (o.rule !== undefined) checkRuleName(o.rule, rules);
  const from = parseInstant(o.from, now, '--from');
  const until = parseInstant(o.until, now, '--until');
  // A range that ends before it starts replays nothing and would read as "never pages".
  if (from >= until)
    throw new UsageError(`--from ${o.from} is not before --until ${o.until}: the range is empty`);
  const notify = o.config ? cfg?.notify : undefined;
  const naming = collectorNaming(o, cfg);
  const results = await backtest({ rules, rule: o.rule, from, until, graphiteUrl, ...naming, notify });
  let out = formatBacktest(results, maxPages);
  if (o.png) {
    fs.writeFileSync(o.png, await renderPng(graphiteUrl, results.rules, from, until));
    out += `\nwrote ${o.png}`;
  }
  return { out, code: overPageBudget(results, maxPages) ? 1 : 0 };
}
