/**
 * What the tailer reads out of a message besides its text: a level, and JSON fields when the
 * container logs JSON. Pure functions, run once per line.
 */

const LEVEL_NAMES: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  inf: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  err: 'error',
  error: 'error',
  eror: 'error',
  crit: 'fatal',
  critical: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
  alert: 'fatal',
};

export function normalizeLevel(raw: unknown): string | undefined {
  if (typeof raw === 'number') {
    // pino/bunyan numeric levels.
    if (raw >= 60) return 'fatal';
    if (raw >= 50) return 'error';
    if (raw >= 40) return 'warn';
    if (raw >= 30) return 'info';
    if (raw >= 20) return 'debug';
    return 'trace';
  }
  return typeof raw === 'string' ? LEVEL_NAMES[raw.toLowerCase()] : undefined;
}

// A leading token, optionally bracketed or after `level=`: `ERROR ...`, `[warn] ...`, `level=info ...`.
const LEADING = /^\s{0,4}(?:\[|level=|lvl=)?([A-Za-z]{3,8})\b/;
// The same token after a leading timestamp such as `2024-05-01 12:00:00,123 ` or `12:00:00.123 `.
const AFTER_TIME = /^\s*\d[\d:.,T/+-]*(?:\s+\d[\d:.,+Z-]*)?Z?\s+(?:\[|level=)?([A-Za-z]{3,8})\b/;

export function levelFromText(message: string): string | undefined {
  const c = message.charCodeAt(0);
  const m = c >= 48 && c <= 57 ? AFTER_TIME.exec(message) : LEADING.exec(message);
  return m ? LEVEL_NAMES[m[1]!.toLowerCase()] : undefined;
}

const JSON_LEVEL_KEYS = ['level', 'lvl', 'severity', 'log.level', 'loglevel'];

export function levelFromFields(fields: Record<string, unknown>): string | undefined {
  for (const k of JSON_LEVEL_KEYS) {
    const v = normalizeLevel(fields[k]);
    if (v) return v;
  }
  const log = fields.log;
  if (log && typeof log === 'object') return normalizeLevel((log as Record<string, unknown>).level);
  return undefined;
}

/** The fields of a JSON object message, or undefined when it is not one. */
export function parseFields(message: string): Record<string, unknown> | undefined {
  const first = message.charCodeAt(0) === 0x7b ? 0 : message.search(/\S/);
  if (first < 0 || message.charCodeAt(first) !== 0x7b) return undefined;
  try {
    const v: unknown = JSON.parse(message);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
