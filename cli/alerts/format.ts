import { formatDuration } from '../../core/duration';
import type { ApiAlert } from './select';

export type OutputFormat = 'table' | 'wide' | 'json';

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const GREEN = '\x1b[32m';
const RESET = '\x1b[0m';

/** Labels every alert carries or that the rule column already says; `wide` shows them all. */
const QUIET_LABELS = new Set(['alertname', 'rule', 'severity']);

function labelsText(a: ApiAlert, wide: boolean): string {
  return Object.entries(a.alert.labels)
    .filter(([k]) => wide || !QUIET_LABELS.has(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** "5m" ago, from the moment the alert took its current state. */
function since(a: ApiAlert, now: number): string {
  const at = a.status === 'resolved' ? a.alert.resolvedAt : (a.alert.firedAt ?? a.alert.activeAt);
  return at === undefined ? '-' : formatDuration(Math.max(0, Math.floor((now - at) / 1000) * 1000));
}

function value(a: ApiAlert): string {
  const v = a.alert.value;
  if (v === undefined) return '-';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** `silence:<id>` → the silence id; `inhibit:<rule>:<key>` → "inhibited by <rule>". */
function mutedBy(a: ApiAlert): string {
  if (!a.muted) return '-';
  const [kind, what] = a.muted.split(':');
  return kind === 'inhibit' ? `inhibited by ${what}` : a.muted.slice('silence:'.length);
}

function state(a: ApiAlert): string {
  if (a.status === 'resolved' || a.status === 'pending') return a.status;
  if (a.muted) return a.muted.startsWith('silence:') ? 'silenced' : 'inhibited';
  return a.flapping ? 'firing (flapping)' : 'firing';
}

function paint(text: string, a: ApiAlert, color: boolean): string {
  if (!color) return text;
  const c = a.status === 'resolved' ? GREEN : a.muted || a.status === 'pending' ? YELLOW : RED;
  return `${c}${text}${RESET}`;
}

/** Columns padded to their widest cell; the colour goes on after padding so widths hold. */
export function formatAlerts(
  rows: ApiAlert[],
  opts: { output: OutputFormat; now: number; color: boolean },
): string {
  if (opts.output === 'json') return JSON.stringify(rows, null, 2);
  if (rows.length === 0) return 'no alerts';
  const wide = opts.output === 'wide';
  const head = ['STATE', 'SEVERITY', 'RULE', 'LABELS', 'VALUE', 'SINCE', 'SILENCED-BY'];
  if (wide) head.push('KEY', 'SUMMARY');
  const cells = rows.map((a) => {
    const row = [
      state(a),
      a.alert.severity,
      a.alert.rule,
      labelsText(a, wide),
      value(a),
      since(a, opts.now),
      mutedBy(a),
    ];
    if (wide) row.push(a.key, a.alert.summary);
    return row;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(head),
    ...cells.map((r, i) => {
      const [first, ...rest] = r;
      return line([paint(first!.padEnd(widths[0]!), rows[i]!, opts.color), ...rest]);
    }),
  ].join('\n');
}
