import type { LogStream } from '../../../core/events';
import type { Position } from './position';

/** One line as read from the file, before joining. */
export interface Piece {
  /** Without the trailing newline; `last` says there was one (the line ends with this piece). */
  text: string;
  last: boolean;
  stream: LogStream;
  time: string;
  id: string;
  pos: Position;
  invalidUtf8: boolean;
}

/** A whole log line (or multiline record), ready to become a LogEvent. */
export interface Assembled {
  message: string;
  stream: LogStream;
  time: string;
  id: string;
  pos: Position;
  invalidUtf8: boolean;
  truncated: boolean;
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function capUtf8(text: string, maxBytes: number): { text: string; cut: boolean } {
  // Cheap test first: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return { text, cut: false };
  let s = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  if (s.endsWith('\uFFFD')) s = s.slice(0, -1);
  return { text: s, cut: true };
}

/**
 * Rejoins json-file partial lines: Docker splits a line over 16 KiB into pieces whose `log`
 * has no trailing newline; the last piece has it. One joiner per stream, since stdout and
 * stderr pieces interleave. The joined line keeps the first piece's id, time and position.
 */
export class PartialJoiner {
  private parts: string[] = [];
  private bytes = 0;
  private first: Piece | undefined;
  private invalid = false;
  private truncated = false;
  private since = 0;

  constructor(private readonly maxBytes: number) {}

  /** Returns the line when `piece` completes one. */
  push(piece: Piece, now: number): Assembled | undefined {
    const { last, text } = piece;
    if (!this.first) {
      if (last) return done(piece, text, piece.invalidUtf8, false, this.maxBytes);
      this.first = piece;
      this.since = now;
    }
    this.invalid ||= piece.invalidUtf8;
    if (!this.truncated) {
      const room = this.maxBytes - this.bytes;
      const capped = capUtf8(text, room);
      this.parts.push(capped.text);
      this.bytes += capped.cut ? room : Buffer.byteLength(capped.text);
      this.truncated = capped.cut;
    }
    return last ? this.flush() : undefined;
  }

  pending(): Position | undefined {
    return this.first?.pos;
  }

  waitingSince(): number | undefined {
    return this.first ? this.since : undefined;
  }

  /** Emits what is held (container gone, or the last piece never came). */
  flush(): Assembled | undefined {
    const first = this.first;
    if (!first) return undefined;
    const out = done(first, this.parts.join(''), this.invalid, this.truncated, Infinity);
    this.parts = [];
    this.bytes = 0;
    this.first = undefined;
    this.invalid = false;
    this.truncated = false;
    return out;
  }
}

function done(p: Piece, text: string, invalidUtf8: boolean, truncated: boolean, maxBytes: number): Assembled {
  const capped = capUtf8(text, maxBytes);
  return {
    message: capped.text,
    stream: p.stream,
    time: p.time,
    id: p.id,
    pos: p.pos,
    invalidUtf8,
    truncated: truncated || capped.cut,
  };
}

/**
 * Joins a record's continuation lines (stack traces...) onto the line that starts it, a start
 * being a line that matches `pattern`. A record goes out when the next start arrives, after
 * `maxWaitMs` without a new line, or at `maxLines`.
 */
export class MultilineJoiner {
  private head: Assembled | undefined;
  private lines: string[] = [];
  private bytes = 0;
  private lastAt = 0;

  constructor(
    private readonly pattern: RegExp,
    private readonly maxWaitMs: number,
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}

  push(line: Assembled, now: number): Assembled[] {
    const out: Assembled[] = [];
    if (this.pattern.test(line.message) || !this.head) {
      const prev = this.flush();
      if (prev) out.push(prev);
      this.head = { ...line };
      this.lines = [line.message];
      this.bytes = Buffer.byteLength(line.message);
    } else {
      this.head.invalidUtf8 ||= line.invalidUtf8;
      this.head.truncated ||= line.truncated;
      if (!this.head.truncated) {
        const capped = capUtf8('\n' + line.message, this.maxBytes - this.bytes);
        this.lines.push(capped.text.slice(1));
        this.bytes += Buffer.byteLength(capped.text);
        this.head.truncated = capped.cut;
      }
    }
    this.lastAt = now;
    if (this.lines.length >= this.maxLines) {
      const full = this.flush();
      if (full) out.push(full);
    }
    return out;
  }

  /** The record, if it has waited `maxWaitMs` for a continuation. */
  due(now: number): Assembled | undefined {
    return this.head && now - this.lastAt >= this.maxWaitMs ? this.flush() : undefined;
  }

  dueAt(): number | undefined {
    return this.head ? this.lastAt + this.maxWaitMs : undefined;
  }

  pending(): Position | undefined {
    return this.head?.pos;
  }

  flush(): Assembled | undefined {
    const head = this.head;
    if (!head) return undefined;
    head.message = this.lines.join('\n');
    this.head = undefined;
    this.lines = [];
    this.bytes = 0;
    return head;
  }
}
