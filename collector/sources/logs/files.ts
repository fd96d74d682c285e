import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

/** Which file a checkpoint points at: device and inode survive Docker's rename-based rotation. */
export interface FileIdentity {
  dev: string;
  ino: string;
  /** sha1 of the file's first line (at most FINGERPRINT_BYTES): tells a reused inode from the file we knew. */
  fp?: string;
}

export const FINGERPRINT_BYTES = 256;

export function sameFile(a: { dev: string; ino: string }, b: { dev: string; ino: string }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

export interface LogFileOnDisk {
  path: string;
  dev: string;
  ino: string;
  size: number;
}

async function statFile(path: string): Promise<LogFileOnDisk | undefined> {
  try {
    const st = await fs.stat(path, { bigint: true });
    return { path, dev: String(st.dev), ino: String(st.ino), size: Number(st.size) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function statLive(path: string): Promise<LogFileOnDisk | undefined> {
  return statFile(path);
}

/**
 * The container's log files, oldest first: `<log>.N` ... `<log>.1`, `<log>` (Docker's `max-file`
 * naming; compressed `.gz` generations are not read). Missing generations are skipped.
 */
export async function listLogFiles(logPath: string, maxGenerations = 100): Promise<LogFileOnDisk[]> {
  const out: LogFileOnDisk[] = [];
  for (let n = 1; n <= maxGenerations; n++) {
    const f = await statFile(`${logPath}.${n}`);
    if (!f) break;
    out.unshift(f);
  }
  const live = await statFile(logPath);
  if (live) out.push(live);
  return out;
}

/**
 * A listing no rotation ran through. The stat calls of one listing are not atomic: a rotation
 * between `.log.1` and `.log` would show the file before and after the moved one but not the
 * moved one itself, and the tailer would skip a whole file. Two listings in a row that agree
 * (every rotation renames every generation) were taken with no rotation in between.
 */
export async function listLogFilesStable(logPath: string, maxGenerations = 100): Promise<LogFileOnDisk[]> {
  let prev = await listLogFiles(logPath, maxGenerations);
  for (let i = 0; i < 10; i++) {
    const next = await listLogFiles(logPath, maxGenerations);
    if (
      next.length === prev.length &&
      next.every((f, j) => f.path === prev[j]!.path && sameFile(f, prev[j]!))
    )
      return next;
    prev = next;
  }
  return prev;
}

/** Fingerprint of an open file, or undefined while its first line is not complete yet. */
export async function fingerprint(fh: fs.FileHandle): Promise<string | undefined> {
  const buf = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await fh.read(buf, 0, FINGERPRINT_BYTES, 0);
  const nl = buf.subarray(0, bytesRead).indexOf(10);
  const len = nl >= 0 ? nl + 1 : bytesRead === FINGERPRINT_BYTES ? bytesRead : -1;
  if (len < 0) return undefined;
  return createHash('sha1').update(buf.subarray(0, len)).digest('hex');
}

/** The id prefix of every line of one file of one container; ids end with the line's byte offset. */
export function fileTag(containerId: string, id: FileIdentity): string {
  return createHash('sha1')
    .update(`${containerId}\0${id.dev}:${id.ino}:${id.fp ?? ''}`)
    .digest('base64url')
    .slice(0, 20);
}

/** A run of complete lines: `buf[start, end)` ends with '\n' and starts at byte `fileOffset` of the file. */
export interface Chunk {
  buf: Buffer;
  start: number;
  end: number;
  fileOffset: number;
}

/**
 * One open log file read in big chunks. Bytes after the last newline stay in the buffer until
 * the rest of their line is written; a "line" longer than `maxLineBytes` with no newline at all
 * (not something Docker writes) is skipped up to its newline and reported through `onOversize`.
 */
export class ChunkReader {
  private buf: Buffer;
  /** Bytes [0, carry) of buf are the start of an incomplete line beginning at file offset `offset`. */
  private carry = 0;
  /** File offset of the first byte not yet handed out as part of a complete line. */
  offset: number;
  private skipping = false;

  constructor(
    readonly fh: fs.FileHandle,
    startOffset: number,
    private readonly chunkBytes: number,
    private readonly maxLineBytes: number,
    private readonly onOversize: (bytes: number) => void,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.offset = startOffset;
  }

  /** Restart from `offset` (truncation), dropping any carried bytes. */
  reset(offset: number): void {
    this.offset = offset;
    this.carry = 0;
    this.skipping = false;
    this.pendingTail = undefined;
  }

  /** Bytes read but not yet handed out (an incomplete last line). */
  carried(): number {
    return this.carry;
  }

  /** Reads the next chunk of complete lines; undefined at end of file. */
  async next(): Promise<Chunk | undefined> {
    this.moveTail();
    for (;;) {
      if (this.carry === this.buf.length) {
        if (this.buf.length < this.maxLineBytes * 2 + this.chunkBytes) {
          const bigger = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(bigger, 0, 0, this.carry);
          this.buf = bigger;
        } else {
          // No newline in a huge run of bytes: skip it; the line is reported as oversize, not kept.
          this.onOversize(this.carry);
          this.offset += this.carry;
          this.carry = 0;
          this.skipping = true;
        }
      }
      const { bytesRead } = await this.fh.read(
        this.buf,
        this.carry,
        this.buf.length - this.carry,
        this.offset + this.carry,
      );
      if (bytesRead === 0) return undefined;
      const filled = this.carry + bytesRead;
      const lastNl = this.buf.lastIndexOf(10, filled - 1);
      if (lastNl < 0) {
        this.carry = filled;
        continue;
      }
      let start = 0;
      if (this.skipping) {
        const nl = this.buf.indexOf(10);
        this.onOversize(nl + 1);
        start = nl + 1;
        this.skipping = false;
      }
      const chunk: Chunk = { buf: this.buf, start, end: lastNl + 1, fileOffset: this.offset + start };
      this.offset += lastNl + 1;
      // The tail is moved to the front before the next read; the caller is done with `buf` by then.
      this.pendingTail = { from: lastNl + 1, to: filled };
      this.carry = 0;
      if (start === lastNl + 1) {
        this.moveTail();
        continue;
      }
      return chunk;
    }
  }

  private pendingTail: { from: number; to: number } | undefined;

  private moveTail(): void {
    if (!this.pendingTail) return;
    const { from, to } = this.pendingTail;
    this.buf.copy(this.buf, 0, from, to);
    this.carry = to - from;
    this.pendingTail = undefined;
  }
}
