import { type LogEvent, TEXT_IS_PLAIN_JSON } from '../../../core/events';
import { context, logTime } from '../ecs/documents';
import type { BodyBuffer } from './body-buffer';

/**
 * A log line's action and ECS document spliced into the `_bulk` body: one string for what
 * changes per line, then the container's part (host, container.*, service) as bytes encoded
 * once per container. The result is byte for byte `action + logDocument(e) + "\n"`
 * (log-splice.test.ts holds the two together); this is the hot path of issue 16: building the
 * document as a string, then the action, then encoding both cost most of the shipping CPU.
 */

// Characters JSON.stringify would escape, and surrogates (a lone one is escaped): a string
// with none of them is quoted as is, which skips the stringify call for almost every line.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** The `log.level` part per level: the tailer's levels are a handful of words, quoted once. */
const levelParts = new Map<string, string>();

function levelPart(level: string): string {
  let part = levelParts.get(level);
  if (part === undefined) {
    part = `"log":{"level":${quote(level)}},`;
    // Levels of other sources are not bounded by a word list: keep the map small.
    if (levelParts.size < 64) levelParts.set(level, part);
  }
  return part;
}

/** What follows the stream name up to the event id, per stream (`e.stream` is one of two words). */
const STREAM_TO_ID: Record<LogEvent['stream'], string> = {
  stdout: '"stream":"stdout","event":{"id":',
  stderr: '"stream":"stderr","event":{"id":',
};
/** What follows the event id up to the container part: the same for every line. */
const AFTER_ID = ',"kind":"event","dataset":"lookout.log"},';

/** The end of the event object, the container part and the closing `}\n`, encoded, per context string. */
const encoded = new Map<string, Buffer>();

let lastContext = '';
let lastContextBytes: Buffer | undefined;

function contextBytes(ctx: string): Buffer {
  // Lines come in runs of one container: the last one answers before the map is asked.
  if (ctx === lastContext && lastContextBytes !== undefined) return lastContextBytes;
  let b = encoded.get(ctx);
  if (b === undefined) {
    // Same bound as the context strings' own cache (one entry per container and host).
    if (encoded.size > 10_000) encoded.clear();
    b = Buffer.from(`${AFTER_ID}${ctx}}\n`, 'utf8');
    encoded.set(ctx, b);
  }
  lastContext = ctx;
  lastContextBytes = b;
  return b;
}

/**
 * A plain line's constant parts, joined per action, level and stream: every piece a template
 * literal adds is one more string object per line and one more link the write must flatten,
 * so the plain line is built from five constant-or-cached pieces around its id, time and text
 * rather than eleven (issue 16).
 */
let lastAction = '';
let lastOpenId = '';
function openId(action: string): string {
  if (action !== lastAction) {
    lastAction = action;
    lastOpenId = `${action}"`;
  }
  return lastOpenId;
}

/** `",` + level part + stream part + the id's opening quote, per stream and level word. */
const afterMessage: Record<string, Map<string | undefined, string>> = {};
let lastStream = '';
let lastLevel: string | undefined;
let lastMessageToId = '';
function messageToId(stream: LogEvent['stream'], level: string | undefined): string {
  // Most lines share the stream and level of the line before: no map for them.
  if (stream === lastStream && level === lastLevel) return lastMessageToId;
  lastStream = stream;
  lastLevel = level;
  lastMessageToId = messageToIdOf(stream, level);
  return lastMessageToId;
}

function messageToIdOf(stream: LogEvent['stream'], level: string | undefined): string {
  const byLevel = (afterMessage[stream] ??= new Map());
  let part = byLevel.get(level);
  if (part === undefined) {
    const toId = STREAM_TO_ID[stream] ?? `"stream":"${stream}","event":{"id":`;
    part = `",${level === undefined ? '' : levelPart(level)}${toId}"`;
    // Levels of other sources are not bounded by a word list: keep the map small.
    if (byLevel.size < 64) byLevel.set(level, part);
  }
  return part;
}

/**
 * logTime for a plain line: its time holds no `"` or `\` (TEXT_IS_PLAIN_JSON says so), so of
 * logTime's tests only the shape ones remain; the result is the same string.
 */
function plainLogTime(e: LogEvent): string {
  const t = e.time;
  return t.length >= 20 && t.length <= 35 && t.charCodeAt(10) === 84 /* T */ && t.charCodeAt(4) === 45 /* - */
    ? t
    : logTime(e);
}

/** `action` is the `{"create":{"_index":…,"_id":` prefix, shared by the lines of one index. */
export function writeLogLine(out: BodyBuffer, action: string, e: LogEvent, fieldsKey: string): void {
  // Only what changes per line is built as a string, in one write (each native call costs more
  // than encoding the text: splicing the message's bytes in apart measured slower); the rest
  // goes in as bytes encoded once. The tailer's common line vouches that its message and id
  // need no escaping: quoting them is then all JSON.stringify would do.
  if (e[TEXT_IS_PLAIN_JSON] === true) {
    const id = e.id;
    out.write(
      `${openId(action)}${id}"}}\n{"@timestamp":"${plainLogTime(e)}","message":"${e.message}${messageToId(e.stream, e.level)}${id}"`,
    );
  } else {
    const level = e.level === undefined ? '' : levelPart(e.level);
    const toId = STREAM_TO_ID[e.stream] ?? `"stream":"${e.stream}","event":{"id":`;
    const id = quote(e.id);
    out.write(
      `${action}${id}}}\n{"@timestamp":"${logTime(e)}","message":${quote(e.message)},${level}${toId}${id}`,
    );
  }
  const ctx = context(e.host, e.container);
  if (e.invalidUtf8 === undefined && e.fields === undefined) {
    out.writeBytes(contextBytes(ctx));
    return;
  }
  let rest = AFTER_ID + ctx;
  if (e.invalidUtf8) rest += `,"tags":["invalid_utf8"]`;
  if (e.fields !== undefined) rest += `,${JSON.stringify(fieldsKey)}:${JSON.stringify(e.fields)}`;
  out.write(`${rest}}\n`);
}
