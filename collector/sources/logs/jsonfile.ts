import { isUtf8 } from 'node:buffer';
import type { LogStream } from '../../../core/events';
import { BytePattern } from './byte-pattern';
import { firstStop, lastStop } from './stop-scan';

/**
 * One line of Docker's json-file log: `{"log":"...\n","stream":"stdout","time":"<RFC 3339 nano>"}`.
 * moby writes exactly this shape (daemon/logger/jsonfilelog/jsonlog), so a hand parser for it
 * skips JSON.parse on the common line; anything else (attrs, escapes) takes the general path.
 */
export interface JsonFileLine {
  /** The `log` text without its trailing newline. */
  text: string;
  /** `log` ended with a newline: the line is whole (or this is the last piece of a split one). */
  last: boolean;
  stream: LogStream;
  time: string;
  /** The line had bytes that were not UTF-8 (raw in the file, or escaped by Docker as \ufffd). */
  invalidUtf8: boolean;
  /** `text` and `time` have no `"`, `\` or control character: JSON.stringify would write them as they are. */
  plain: boolean;
  /** `timeToMs(time)`, read from the bytes on the fast path. */
  ts: number;
}

const PREFIX = BytePattern.of('{"log":"');
// What lies between the log string and the time, per stream: one 28-byte compare where three
// (stream key, stream name, time key) cost more (issue 16).
const BETWEEN_STDOUT = BytePattern.of('","stream":"stdout","time":"');
const BETWEEN_STDERR = BytePattern.of('","stream":"stderr","time":"');
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
// moby's writer turns each invalid byte into this escape (jsonlog.writeJSONBytesAsString), while a real U+FFFD is written raw.
const ESCAPED_REPLACEMENT = Buffer.from('\\ufffd');
// `buf.utf8Slice` skips toString's argument checks; it is on every Buffer at runtime but not in @types/node.
type FastBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
};

/**
 * Parses `buf[start, end)` (no trailing newline) into `out`. Returns false for a corrupt line.
 * `utf8Checked` says the caller already knows these bytes are valid UTF-8 (checked per chunk),
 * `asciiChecked` that they are all ASCII (checked per chunk too): the text is then copied
 * byte for byte rather than decoded, the same string for less CPU (issue 16).
 * `out` is reused by the caller, line after line: no allocation for the result itself.
 */
export function parseJsonFileLine(
  buf: Buffer,
  start: number,
  end: number,
  utf8Checked: boolean,
  out: JsonFileLine,
  asciiChecked = false,
): boolean {
  return (
    fastParse(buf as FastBuffer, start, end, utf8Checked, out, asciiChecked) ||
    slowParse(buf, start, end, utf8Checked, out)
  );
}

/** A fresh result holder for parseJsonFileLine. */
export function newLine(): JsonFileLine {
  return { text: '', last: false, stream: 'stdout', time: '', invalidUtf8: false, plain: false, ts: 0 };
}

/**
 * The fixed shape, parsed from the end: `"}` closes, the time has no quote in it, then
 * `","stream":"stdout","time":"` (or stderr). Whatever precedes is the log string
 * (in valid JSON its closing quote is the one before `,"stream"`), which must start the line.
 */
function fastParse(
  buf: FastBuffer,
  start: number,
  end: number,
  utf8Checked: boolean,
  out: JsonFileLine,
  asciiChecked: boolean,
): boolean {
  if (end - start < 50 || buf[end - 1] !== 0x7d || buf[end - 2] !== QUOTE) return false;
  let q = end - 3;
  // The time is plain too unless it holds a `\` or a control character (never in Docker's).
  let plain = true;
  q = lastStop(buf, q, start);
  if (buf[q] !== QUOTE) {
    plain = false;
    while (q > start && buf[q] !== QUOTE) q--;
  }
  const timeStart = q + 1;
  const logEnd = timeStart - BETWEEN_STDOUT.length;
  const stream: LogStream | undefined = BETWEEN_STDOUT.matchesAt(buf, logEnd)
    ? 'stdout'
    : BETWEEN_STDERR.matchesAt(buf, logEnd)
      ? 'stderr'
      : undefined;
  if (stream === undefined || !PREFIX.matchesAt(buf, start)) return false;
  const logStart = start + PREFIX.length;
  if (logEnd < logStart) return false;
  // One pass for what stops the fast path and what JSON would escape (issue 16: this loop is
  // cheaper than the two indexOf calls it replaces, and tells the sink it need not look again).
  let i = logStart;
  for (;;) {
    i = firstStop(buf, i, logEnd);
    // A raw control character is not JSON, and Docker never writes one; kept, but escaped later.
    if (i < logEnd && buf[i]! < 0x20) {
      plain = false;
      i++;
      continue;
    }
    break;
  }
  const last = i === logEnd - 2 && buf[i] === BACKSLASH && buf[logEnd - 1] === 0x6e; /* \n */
  // Escapes other than the trailing \n (quotes, \t, \u...) are for JSON.parse, as is an unescaped quote (not Docker JSON).
  if (i < logEnd && !last) return false;
  const textEnd = last ? logEnd - 2 : logEnd;
  if (!utf8Checked && !isUtf8(buf.subarray(logStart, textEnd))) return false;
  copyTextAndTime(buf, logStart, textEnd, timeStart, end - 2, asciiChecked, out);
  out.ts = timeMsAt(buf, timeStart, end - 2, out.time);
  out.last = last;
  out.stream = stream;
  out.invalidUtf8 = false;
  out.plain = plain;
  return true;
}

/** Sets `out.text` and `out.time` from their bytes (the text decoded unless the chunk is ASCII). */
function copyTextAndTime(
  buf: FastBuffer,
  logStart: number,
  textEnd: number,
  timeStart: number,
  timeEnd: number,
  asciiChecked: boolean,
  out: JsonFileLine,
): void {
  if (asciiChecked) {
    // One copy for text and time, a few bytes apart, then two views of it: one native call a
    // line instead of two (issue 16). The views keep only this line's copy alive, not the chunk.
    const both = buf.latin1Slice(logStart, timeEnd);
    out.text = both.slice(0, textEnd - logStart);
    out.time = both.slice(timeStart - logStart);
  } else {
    out.text = buf.utf8Slice(logStart, textEnd);
    out.time = buf.latin1Slice(timeStart, timeEnd);
  }
}

function slowParse(
  buf: Buffer,
  start: number,
  end: number,
  utf8Checked: boolean,
  out: JsonFileLine,
): boolean {
  const bytes = buf.subarray(start, end);
  let obj: unknown;
  try {
    // Invalid bytes become U+FFFD in toString: the line is kept, and marked below.
    obj = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof obj !== 'object' || obj === null) return false;
  const { log, stream, time } = obj as Record<string, unknown>;
  if (typeof log !== 'string' || typeof time !== 'string') return false;
  out.last = log.endsWith('\n');
  // A TTY container's lines end with \r\n: the \r is no part of the message either.
  out.text = out.last ? log.slice(0, log.endsWith('\r\n') ? -2 : -1) : log;
  out.stream = stream === 'stderr' ? 'stderr' : 'stdout';
  out.time = time;
  out.ts = timeToMs(time);
  out.plain = false;
  out.invalidUtf8 = (!utf8Checked && !isUtf8(bytes)) || bytes.indexOf(ESCAPED_REPLACEMENT) >= 0;
  return true;
}

let cachedSecondPrefix = '\0';
let cachedSecondMs = 0;

/**
 * Milliseconds since the epoch from Docker's RFC 3339 nano time (UTC, `Z`, trailing zeros of the
 * fraction trimmed). The whole-second part is cached: consecutive lines nearly always share it.
 */
export function timeToMs(time: string): number {
  if (
    time.length >= 20 &&
    time.charCodeAt(19) === 0x2e /* . */ &&
    time.charCodeAt(time.length - 1) === 0x5a /* Z */
  ) {
    if (!time.startsWith(cachedSecondPrefix)) {
      const prefix = time.slice(0, 19);
      const ms = Date.parse(prefix + 'Z');
      if (Number.isNaN(ms)) return msOrZero(time);
      cachedSecondPrefix = prefix;
      cachedSecondMs = ms;
    }
    let frac = 0;
    let scale = 100;
    for (let i = 20; i < 23 && i < time.length - 1; i++) {
      const d = time.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return msOrZero(time);
      frac += d * scale;
      scale /= 10;
    }
    return cachedSecondMs + frac;
  }
  return msOrZero(time);
}

/** A time Date.parse cannot read is 0, never NaN: a NaN ts broke the sinks (iso() threw). */
function msOrZero(time: string): number {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : ms;
}

/** The second (`YYYY-MM-DDTHH:MM:SS`) last seen by timeMsAt, as bytes, and its epoch ms. */
const cachedSecond = new BytePattern(19);
let cachedSecondValid = false;
let cachedSecondBytesMs = 0;

/**
 * timeToMs for a time still in the buffer at `[start, end)` (`time` is the same text as a
 * string, for the unusual cases): comparing 19 bytes with the cached second costs a fraction of
 * comparing 19 characters of a string (issue 16 profile: the string compare was 5 % of the tail).
 */
function timeMsAt(buf: Buffer, start: number, end: number, time: string): number {
  const len = end - start;
  if (len < 20 || buf[start + 19] !== 0x2e /* . */ || buf[end - 1] !== 0x5a /* Z */) return timeToMs(time);
  if (!cachedSecondValid || !cachedSecond.matchesAt(buf, start)) {
    const ms = Date.parse(time.slice(0, 19) + 'Z');
    if (Number.isNaN(ms)) return timeToMs(time);
    cachedSecond.load(buf, start);
    cachedSecondValid = true;
    cachedSecondBytesMs = ms;
  }
  let frac = 0;
  let scale = 100;
  for (let i = 20; i < 23 && i < len - 1; i++) {
    const d = buf[start + i]! - 48;
    if (d < 0 || d > 9) return timeToMs(time);
    frac += d * scale;
    scale /= 10;
  }
  return cachedSecondBytesMs + frac;
}
