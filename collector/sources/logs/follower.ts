/* eslint max-lines: ["error", 330] -- one file chain's state (open file, held successors, final pass, quiet poll) is shared by every step of following it; the steps that need none of it live in files.ts and quiet-poll.ts. */
import fs from 'node:fs/promises';
import type { Logger } from '../../../core/logger';
import type { Clock } from '../../../core/clock';
import type { FileCheckpoint } from './checkpoints';
import {
  ChunkReader,
  type Chunk,
  fileTag,
  fingerprint,
  listLogFilesStable as listLogFiles,
  type LogFileOnDisk,
  sameFile,
  statLive,
} from './files';
import { tailMetrics } from './metrics';
import { QuietPoll } from './quiet-poll';
import type { Position } from './position';

/** Reading a backlog, the live path is stat'ed at most this often, not per chunk (1-3.5 % of bench:tail); the
 *  open file is read to its end anyway, and Docker deletes a rotated file only max-file rotations later. */
export const BACKLOG_ROTATION_LOOK_MS = 200;

/** Where to begin reading a container's logs. */
export type StartSpec =
  | { kind: 'checkpoint'; checkpoint: FileCheckpoint }
  | { kind: 'live-start' }
  | { kind: 'oldest' }
  | { kind: 'end' };

export interface FollowerOptions {
  containerId: string;
  logPath: string;
  chunkBytes: number;
  maxLineBytes: number;
  maxDeletedHoldMs: number;
  clock: Clock;
  logger: Logger;
  /** Called when the file under the reader was truncated: what is pending from before cannot be continued. */
  onTruncated?: () => void;
}

/**
 * Follows one container's chain of json-file logs: reads the file it holds to its end, and when
 * Docker has rotated it (the live path now names another inode) reads it once more to its true
 * end (Docker no longer writes it after the rename), closes it and opens its successor. Detects
 * truncation (size below our offset, or a different first line) and restarts that file at 0.
 */
export class FileFollower {
  private fh: fs.FileHandle | undefined;
  private reader: ChunkReader | undefined;
  private ident: { dev: string; ino: string; fp?: string; path: string } | undefined;
  private seq = 0;
  /** The id prefix for lines of the current file (undefined until its first line is complete). */
  tag: string | undefined;
  private finalPass = false;
  private notLiveSince: number | undefined;
  private knownSize = 0;
  /** Newer files opened as soon as a rotation is seen, so Docker deleting them cannot lose them. */
  private held: Array<{ fh: fs.FileHandle; file: LogFileOnDisk }> = [];
  private lastBacklogLook = -Infinity; // when the live path was last looked at during a backlog
  private readonly quiet: QuietPoll;

  constructor(private readonly o: FollowerOptions) {
    this.quiet = new QuietPoll(o.logPath);
  }

  async start(spec: StartSpec): Promise<void> {
    const files = await listLogFiles(this.o.logPath);
    const live = files[files.length - 1];
    if (spec.kind === 'checkpoint') {
      const c = spec.checkpoint;
      for (const f of files) {
        if (!sameFile(f, c)) continue;
        await this.open(f, 0);
        if (c.fp !== undefined && this.ident?.fp !== undefined && this.ident.fp !== c.fp) break; // inode reused by another file
        if (f.size < c.offset) {
          tailMetrics.truncations.inc();
          this.o.logger.warn(
            { path: f.path, offset: c.offset, size: f.size },
            'checkpointed log file is shorter than the checkpoint: reading it from the start',
          );
          return;
        }
        this.reader!.reset(c.offset);
        return;
      }
      await this.close();
      this.o.logger.warn(
        { path: c.path },
        'checkpointed log file is gone (rotated away while we were down): reading from the oldest file left; lines in between are lost',
      );
      if (files[0]) await this.open(files[0], 0);
      return;
    }
    if (spec.kind === 'oldest' && files[0]) await this.open(files[0], 0);
    else if (spec.kind === 'end' && live) await this.open(live, live.size);
    else if (live) await this.open(live, 0);
    // No file yet: `next` opens the live file when it appears.
  }

  private async open(f: LogFileOnDisk, offset: number, opened?: fs.FileHandle): Promise<void> {
    await this.closeCurrent();
    const fh = opened ?? (await fs.open(f.path, 'r'));
    const st = await fh.stat({ bigint: true });
    this.fh = fh;
    this.ident = { dev: String(st.dev), ino: String(st.ino), path: f.path };
    this.knownSize = Number(st.size);
    this.seq++;
    this.reader = new ChunkReader(fh, offset, this.o.chunkBytes, this.o.maxLineBytes, (n) => {
      tailMetrics.corrupt.inc();
      this.o.logger.warn(
        { path: f.path, bytes: n },
        'skipped a run of bytes with no newline longer than max_line_bytes',
      );
    });
    await this.refreshTag();
    this.finalPass = false;
    this.notLiveSince = undefined;
    this.o.logger.debug(
      { path: f.path, ino: this.ident.ino, size: this.knownSize, offset },
      'log file opened',
    );
  }

  private async refreshTag(): Promise<void> {
    if (!this.fh || !this.ident) return;
    this.ident.fp = await fingerprint(this.fh);
    this.tag = this.ident.fp === undefined ? undefined : fileTag(this.o.containerId, this.ident);
  }

  /** Where the next unread line starts. */
  position(): Position | undefined {
    if (!this.ident || !this.reader) return undefined;
    return {
      seq: this.seq,
      dev: this.ident.dev,
      ino: this.ident.ino,
      fp: this.ident.fp,
      offset: this.reader.offset,
      path: this.ident.path,
    };
  }

  /** Bytes on disk in the current file not read yet (as of the last look). */
  unread(): number {
    return this.reader ? Math.max(0, this.knownSize - this.reader.offset) : 0;
  }

  /** The next run of complete lines, or undefined when there is nothing new for now. */
  async next(): Promise<Chunk | undefined> {
    // Followed without a rotation under way, an unchanged file's poll ends at one stat (quiet-poll.ts).
    const following = this.following;
    if (following && this.quiet.unchanged()) return undefined;
    const chunk = await this.look();
    this.quiet.looked(following && !chunk && this.following);
    return chunk;
  }

  /** A file open and no rotation under way (no final pass, no successor held). */
  private get following(): boolean {
    return this.reader !== undefined && !this.finalPass && this.held.length === 0;
  }

  private async look(): Promise<Chunk | undefined> {
    for (let guard = 0; guard < 1000; guard++) {
      if (!this.reader) {
        const live = await statLive(this.o.logPath);
        if (!live) return undefined;
        await this.open(live, 0);
      }
      const chunk = await this.reader!.next();
      if (chunk) {
        if (this.tag === undefined) await this.refreshTag();
        // Behind on a big backlog: notice a rotation now, not at the end of this file.
        if (!this.finalPass) await this.checkRotatedDuringBacklog();
        else await this.giveUpIfHeldTooLong();
        return chunk;
      }
      if (this.finalPass) {
        if (!(await this.moveToSuccessor())) return undefined;
        continue;
      }
      const live = await this.checkRotated();
      if (!live) return undefined; // between Docker's rename and create, or the container is gone
      if (this.finalPass) continue; // read once more: Docker may have written between our read and its rename
      if (await this.truncated()) continue;
      return undefined;
    }
    return undefined;
  }

  private async checkRotatedDuringBacklog(): Promise<void> {
    const now = this.o.clock.now();
    if (now - this.lastBacklogLook < BACKLOG_ROTATION_LOOK_MS) return;
    this.lastBacklogLook = now;
    await this.checkRotated();
  }

  /**
   * Looks at the live path; when it names another file, ours was rotated: mark the final pass
   * and open every newer file at once (Docker deletes the oldest at the next rotation).
   */
  private async checkRotated(): Promise<LogFileOnDisk | undefined> {
    const live = await statLive(this.o.logPath);
    if (!live || sameFile(live, this.ident!)) return live;
    this.finalPass = true;
    this.notLiveSince ??= this.o.clock.now();
    for (let attempt = 0; attempt < 10 && !(await this.holdNewer()); attempt++);
    return live;
  }

  /**
   * Opens the files newer than ours, in order. Between the listing and an open, a rotation can
   * rename another file into the listed path: each handle is checked against the listing, and on
   * a mismatch the new handles are dropped and it starts over (false).
   */
  private async holdNewer(): Promise<boolean> {
    const files = await listLogFiles(this.o.logPath);
    const idx = files.findIndex((f) => sameFile(f, this.ident!));
    const opened: Array<{ fh: fs.FileHandle; file: LogFileOnDisk }> = [];
    for (const f of files.slice(idx + 1)) {
      if (this.held.some((h) => sameFile(h.file, f))) continue;
      let fh: fs.FileHandle;
      try {
        fh = await fs.open(f.path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        for (const o of opened) await o.fh.close();
        return false;
      }
      opened.push({ fh, file: f });
      const st = await fh.stat({ bigint: true });
      if (String(st.dev) !== f.dev || String(st.ino) !== f.ino) {
        for (const o of opened) await o.fh.close();
        return false;
      }
    }
    this.held.push(...opened);
    this.o.logger.debug(
      {
        current: this.ident!.ino,
        listing: files.map((f) => `${f.path.slice(-6)}:${f.ino}:${f.size}`),
        held: this.held.map((h) => h.file.ino),
      },
      'rotation seen',
    );
    return true;
  }

  private async truncated(): Promise<boolean> {
    const st = await this.fh!.stat();
    this.knownSize = st.size;
    const before = this.ident!.fp;
    let cut = st.size < this.reader!.offset;
    if (!cut && before !== undefined) cut = (await fingerprint(this.fh!)) !== before;
    if (!cut) {
      if (before === undefined) await this.refreshTag();
      return false;
    }
    tailMetrics.truncations.inc();
    this.o.logger.warn(
      { path: this.ident!.path, offset: this.reader!.offset, size: st.size },
      'log file truncated: reading it again from the start',
    );
    this.o.onTruncated?.();
    this.seq++;
    this.reader!.reset(0);
    await this.refreshTag();
    return true;
  }

  private async moveToSuccessor(): Promise<boolean> {
    const held = this.held.shift();
    if (held) {
      tailMetrics.rotations.inc();
      await this.open(held.file, 0, held.fh);
      // The handle may now name a different file than the listing said (renamed since): trust the handle.
      return true;
    }
    const files = await listLogFiles(this.o.logPath);
    const idx = files.findIndex((f) => sameFile(f, this.ident!));
    const next = idx >= 0 ? files[idx + 1] : files[0];
    if (!next) return false;
    tailMetrics.rotations.inc();
    await this.open(next, 0);
    return true;
  }

  /** A rotated file we are still reading: do not pin a deleted file forever behind a stuck pipeline. */
  private async giveUpIfHeldTooLong(): Promise<void> {
    if (this.o.clock.now() - this.notLiveSince! < this.o.maxDeletedHoldMs) return;
    const st = await this.fh!.stat();
    if (st.nlink > 0) return;
    const dropped = Math.max(0, st.size - this.reader!.offset);
    tailMetrics.droppedBytes.inc(dropped);
    this.o.logger.warn(
      { path: this.ident!.path, dropped },
      'deleted log file held too long: closing it, its unread bytes are lost',
    );
    this.reader!.reset(st.size);
    this.finalPass = true;
  }

  async close(): Promise<void> {
    for (const h of this.held.splice(0)) await h.fh.close().catch(() => undefined);
    await this.closeCurrent();
  }

  private async closeCurrent(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    this.reader = undefined;
    this.ident = undefined;
    this.tag = undefined;
    if (fh) await fh.close().catch(() => undefined);
  }
}
