import { formatDuration } from '../../core/duration';
import type { BacktestReport } from './backtest';
import type { ReceiverCount } from './pages';
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

function receiverLine(c: ReceiverCount): string {
  const pages = c.paging ? `, ${c.pages} page(s)` : ' (digest: it pages nobody)';
  return `  ${c.receiver}: ${c.notifications} notification(s)${pages}`;
}

/**
 * The backtest as people read it: per rule, its pages through the routing, how often it went
 * firing, its time firing and its intervals; then what each receiver would have been sent.
 */
export function formatBacktest(report: BacktestReport, maxPages?: number): string {
  const lines: string[] = [];
  for (const r of report.rules) {
    if (r.skipped || !r.result) {
      lines.push(`${r.rule}: not backtested: ${r.skipped ?? 'no result'}`);
      continue;
    }
    const { intervals, fired, firingMs } = r.result;
    const pages = r.pages ?? 0;
    const over = maxPages !== undefined && pages > maxPages ? ` (more than --max-pages ${maxPages})` : '';
    lines.push(
      `${r.rule}: ${pages} page(s)${over}, fired ${fired} time(s), firing ${formatDuration(firingMs)} in ${intervals.filter((x) => x.state === 'firing').length} interval(s); target ${r.target}`,
    );
    lines.push(...intervals.map(intervalLine));
  }
  lines.push('notifications through the routing (all rules above together):');
  if (report.receivers.length === 0) lines.push('  none');
  lines.push(...report.receivers.map(receiverLine));
  return lines.join('\n');
}

/** Exit 1 when any rule would have paged more than `maxPages` times (a CI gate on rule changes). */
export function overPageBudget(report: BacktestReport, maxPages: number | undefined): boolean {
  return maxPages !== undefined && report.rules.some((r) => (r.pages ?? 0) > maxPages);
}
