import { formatDuration } from '../../core/duration';
import type { RuleBacktest } from './backtest';
import type { StateInterval } from './replay';

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function labelsOf(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}

function intervalLine(x: StateInterval): string {
  const end = x.end === undefined ? 'still at the end' : iso(x.end);
  return `    ${x.state.padEnd(7)} ${iso(x.start)} .. ${end}  peak ${x.peak}  ${labelsOf(x.labels)}`;
}

/** The backtest as people read it: per rule, its intervals, pages and time firing. */
export function formatBacktest(results: readonly RuleBacktest[], maxPages?: number): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.skipped || !r.result) {
      lines.push(`${r.rule}: not backtested: ${r.skipped ?? 'no result'}`);
      continue;
    }
    const { intervals, fired, firingMs } = r.result;
    const over = maxPages !== undefined && fired > maxPages ? ` (more than --max-pages ${maxPages})` : '';
    lines.push(
      `${r.rule}: ${fired} page(s)${over}, firing ${formatDuration(firingMs)} in ${intervals.filter((x) => x.state === 'firing').length} interval(s); target ${r.target}`,
    );
    lines.push(...intervals.map(intervalLine));
  }
  return lines.join('\n');
}

/** Exit 1 when any rule would have paged more than `maxPages` times (a CI gate on rule changes). */
export function overPageBudget(results: readonly RuleBacktest[], maxPages: number | undefined): boolean {
  return maxPages !== undefined && results.some((r) => (r.result?.fired ?? 0) > maxPages);
}
