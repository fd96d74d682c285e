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

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
// Characters of a leading timestamp such as `2024-05-01 12:00:00,123`, `2024-05-01T12:00:00.1Z`, `12:00:00.123`.
const isTimeChar = (c: number) =>
  isDigit(c) || c === 58 || c === 46 || c === 44 || c === 45 || c === 43 || c === 47 || c === 84 || c === 90;

// Level words packed 5 bits a letter (lower case) into a number: the per-line lookup allocates nothing.
// The packed words land in distinct slots modulo 127, so a slot holds at most one word: an array
// load and one compare instead of a Map lookup (a tenth of the level scan).
const SLOTS = 127;
const PACKED_KEY: number[] = new Array<number>(SLOTS).fill(-1);
const PACKED_NAME: string[] = new Array<string>(SLOTS).fill('');
function pack(word: string): number {
  let n = 0;
  for (let i = 0; i < word.length; i++) n = n * 32 + ((word.charCodeAt(i) | 0x20) - 96);
  return n;
}
for (const [k, v] of Object.entries(LEVEL_NAMES)) {
  const slot = pack(k) % SLOTS;
  if (PACKED_KEY[slot] !== -1) throw new Error(`level words ${k} and another share slot ${slot}`);
  PACKED_KEY[slot] = pack(k);
  PACKED_NAME[slot] = v;
}

/** The level word at `i` (after an optional `[`, `level=` or `lvl=`), if it is one. */
function levelAt(m: string, i: number): string | undefined {
  const c0 = m.charCodeAt(i);
  if (c0 === 91 /* [ */) i++;
  // Both prefixes start with a lower-case l: most lines (`INFO ...`) skip the two startsWith calls.
  else if (c0 === 108 /* l */) {
    if (m.startsWith('level=', i)) i += 6;
    else if (m.startsWith('lvl=', i)) i += 4;
  }
  let j = i;
  let n = 0;
  for (let c = m.charCodeAt(j); j - i <= 8 && isLetter(c); c = m.charCodeAt(++j))
    n = n * 32 + ((c | 0x20) - 96);
  const next = m.charCodeAt(j);
  if (j - i < 3 || j - i > 8 || isLetter(next) || isDigit(next) || next === 95) return undefined;
  const slot = n % SLOTS;
  return PACKED_KEY[slot] === n ? PACKED_NAME[slot] : undefined;
}

/**
 * A level from a leading token: `ERROR ...`, `[warn] ...`, `level=info ...`, also after a
 * leading timestamp (`2024-05-01 12:00:00,123 ERROR ...`). A hand scanner: it runs on every line.
 */
export function levelFromText(message: string): string | undefined {
  let i = 0;
  while (i < 4 && message.charCodeAt(i) === 32) i++;
  if (!isDigit(message.charCodeAt(i))) return levelAt(message, i);
  // Skip up to two timestamp-like words.
  for (let words = 0; words < 2 && isDigit(message.charCodeAt(i)); words++) {
    while (i < message.length && isTimeChar(message.charCodeAt(i))) i++;
    if (message.charCodeAt(i) !== 32) return undefined;
    while (message.charCodeAt(i) === 32) i++;
  }
  return levelAt(message, i);
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
