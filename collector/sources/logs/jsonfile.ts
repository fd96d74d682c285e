import { isUtf8 } from 'node:buffer';
import type { LogStream } from '../../../core/events';

/**
 * One line of Docker's json-file log: `{"log":"...\n","stream":"stdout","time":"<RFC 3339 nano>"}`.
 * moby writes exactly this shape (daemon/logger/jsonfilelog/jsonlog), so a hand parser for it
 * skips JSON.parse on the common line; anything else (attrs, escapes) takes the general path.
 */
export interface JsonFileLine {
  log: string;
  stream: LogStream;
  time: string;
  /** The line had bytes that were not UTF-8 (raw in the file, or escaped by Docker as \ufffd). */
  invalidUtf8: boolean;
}

const PREFIX = Buffer.from('{"log":"');
const MID_STREAM = Buffer.from('","stream":"');
const MID_TIME = Buffer.from('","time":"');
const BACKSLASH = 0x5c;
// moby's writer turns each invalid byte into this escape (jsonlog.writeJSONBytesAsString), while a real U+FFFD is written raw.
const ESCAPED_REPLACEMENT = Buffer.from('\\ufffd');

function startsWithAt(buf: Buffer, at: number, what: Buffer): boolean {
  if (at + what.length > buf.length) return false;
  for (let i = 0; i < what.length; i++) if (buf[at + i] !== what[i]) return false;
  return true;
}

/**
 * Parses `buf[start, end)` (no trailing newline). Returns undefined for a corrupt line.
 * `utf8Checked` says the caller already knows these bytes are valid UTF-8 (checked per chunk).
 */
export function parseJsonFileLine(buf: Buffer, start: number, end: number, utf8Checked = false): JsonFileLine | undefined {
  return fastParse(buf, start, end, utf8Checked) ?? slowParse(buf, start, end, utf8Checked);
}

function fastParse(buf: Buffer, start: number, end: number, utf8Checked: boolean): JsonFileLine | undefined {
  if (!startsWithAt(buf, start, PREFIX)) return undefined;
  const logStart = start + PREFIX.length;
  // In valid JSON the first unescaped `","stream":"` ends the string: inside a string every quote is escaped.
  const logEnd = buf.indexOf(MID_STREAM, logStart);
  if (logEnd < 0 || logEnd >= end) return undefined;
  let p = logEnd + MID_STREAM.length;
  let stream: LogStream;
  if (buf[p] === 0x73 /* s */ && startsWithAt(buf, p, STDOUT_Q)) {
    stream = 'stdout';
    p += STDOUT_Q.length;
  } else if (startsWithAt(buf, p, STDERR_Q)) {
    stream = 'stderr';
    p += STDERR_Q.length;
  } else return undefined;
  if (!startsWithAt(buf, p - 1, MID_TIME)) return undefined;
  const timeStart = p - 1 + MID_TIME.length;
  // The line must end with `"}` right after the time; anything else (e.g. "attrs") goes the slow way.
  if (end - timeStart < 2 || buf[end - 1] !== 0x7d || buf[end - 2] !== 0x22) return undefined;
  const time = buf.toString('latin1', timeStart, end - 2);
  if (time.includes('"')) return undefined;
  const bs = buf.indexOf(BACKSLASH, logStart);
  if (bs >= 0 && bs < logEnd && bs !== logEnd - 2) return undefined; // escapes other than a trailing \n: let JSON.parse decode them
  if (!utf8Checked && !isUtf8(buf.subarray(logStart, logEnd))) return undefined;
  const log =
    bs === logEnd - 2
      ? buf[logEnd - 1] === 0x6e /* n */
        ? buf.toString('utf8', logStart, logEnd - 2) + '\n'
        : undefined
      : buf.toString('utf8', logStart, logEnd);
  if (log === undefined) return undefined;
  return { log, stream, time, invalidUtf8: false };
}

const STDOUT_Q = Buffer.from('stdout"');
const STDERR_Q = Buffer.from('stderr"');

function slowParse(buf: Buffer, start: number, end: number, utf8Checked: boolean): JsonFileLine | undefined {
  const bytes = buf.subarray(start, end);
  let obj: unknown;
  try {
    // Invalid bytes become U+FFFD in toString: the line is kept, and marked below.
    obj = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof obj !== 'object' || obj === null) return undefined;
  const { log, stream, time } = obj as Record<string, unknown>;
  if (typeof log !== 'string' || typeof time !== 'string') return undefined;
  const s: LogStream = stream === 'stderr' ? 'stderr' : 'stdout';
  const invalidUtf8 = (!utf8Checked && !isUtf8(bytes)) || bytes.indexOf(ESCAPED_REPLACEMENT) >= 0;
  return { log, stream: s, time, invalidUtf8 };
}

let cachedSecondPrefix = '';
let cachedSecondMs = 0;

/**
 * Milliseconds since the epoch from Docker's RFC 3339 nano time (UTC, `Z`, trailing zeros of the
 * fraction trimmed). The whole-second part is cached: consecutive lines nearly always share it.
 */
export function timeToMs(time: string): number {
  if (time.length >= 20 && time.charCodeAt(19) === 0x2e /* . */ && time.charCodeAt(time.length - 1) === 0x5a /* Z */) {
    const prefix = time.slice(0, 19);
    if (prefix !== cachedSecondPrefix) {
      const ms = Date.parse(prefix + 'Z');
      if (Number.isNaN(ms)) return Date.parse(time);
      cachedSecondPrefix = prefix;
      cachedSecondMs = ms;
    }
    let frac = 0;
    let scale = 100;
    for (let i = 20; i < 23 && i < time.length - 1; i++) {
      const d = time.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return Date.parse(time);
      frac += d * scale;
      scale /= 10;
    }
    return cachedSecondMs + frac;
  }
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : ms;
}
