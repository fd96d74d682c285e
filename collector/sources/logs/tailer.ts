/* eslint max-lines: ["error", 400] -- the per-line loop (read, parse, join, emit, batch, ack) is bench:tail's hot path and shares one container's state; what is off that path (missing-file watch, joiners, acks) has its own module. Split further only with bench:tail before and after. */
import { isAscii, isUtf8 } from 'node:buffer';
import type { ContainerMeta, LogStream } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { Clock } from '../../../core/clock';
import { type Assembled, capUtf8, MultilineJoiner, PartialJoiner, type Piece } from './assemble';
import type { Checkpoints } from './checkpoint-writer';
import type { LogsConfig } from './config';
import { levelFromFields, levelFromText, parseFields } from './enrich';
import { FileFollower, type StartSpec } from './follower';
import { newLine, parseJsonFileLine, timeToMs } from './jsonfile';
import { tailMetrics } from './metrics';
import { InOrderAcks } from './acks';
import { LineIds } from './line-id';
import { PlainJsonTailedLine, type TailedLogEvent, TailedLine } from './line-event';
import { MissingFileWatch } from './missing-file';
import { earliest, type Position } from './position';
import { RateLimitedWarn } from './ratelimit';
import { Wakeup } from './wakeup';

export type { TailedLogEvent } from './line-event';

export interface TailBatch {
  events: TailedLogEvent[];
  /** First byte not delivered once this batch is: the checkpoint to write on delivery. */
  position: Position | undefined;
  readTotal: number;
  seq: number;
}

export interface TailerDeps {
  logger: Logger;
  clock: Clock;
  host: string;
  checkpoints: Checkpoints;
}

export const LABEL_MULTILINE = 'lookout.multiline.pattern';
export const LABEL_PARSE = 'lookout.parse';
/** Longest wait between polls of an idle log file (a poll_interval above it wins). */
export const IDLE_POLL_CAP_MS = 2000;

/** Tails one json-file container: lines in, batches of LogEvents out, checkpoints on delivery. */
export class Tailer {
  private readonly follower: FileFollower;
  private readonly partial: Record<LogStream, PartialJoiner>;
  private multiline: Record<LogStream, MultilineJoiner> | undefined;
  private parseJson: boolean;
  private removed = false;
  private readonly wake = new Wakeup();
  private readonly corruptWarn: RateLimitedWarn;
  private out: TailedLogEvent[] = [];
  private outBytes = 0;
  private readTotal = 0;
  private ackedTotal = 0;
  private failed = false;
  private readonly acks = new InOrderAcks<TailBatch>();
  private readonly log: Logger;
  /** Current idle wait: poll_interval after data, doubled per empty poll up to IDLE_POLL_CAP_MS. */
  private idleMs: number;
  /** Says so when a running container's file stays absent (a wrong mount or engine). */
  private readonly missingFile: MissingFileWatch;
  /** Docker creates the file when the container first starts: a created-only one has none. */
  private running = true;
  /** The container is gone: once everything read is delivered, its checkpoint can go too. */
  private ended = false;
  /** One parse target reused for every line, so the hot loop allocates no object per line. */
  private readonly parsed = newLine();
  /** Line ids (`<file tag>-<offset>`) made without a number-to-string conversion per line. */
  private readonly ids = new LineIds();
  /** Offset of the next line of the chunk being processed (the reader's offset is the chunk's end). */
  private cursor: number | undefined;
  private chunkEnd = 0;

  constructor(
    private meta: ContainerMeta,
    private readonly logPath: string,
    private readonly cfg: LogsConfig,
    private readonly deps: TailerDeps,
  ) {
    this.log = deps.logger.child({ container: meta.name, containerId: meta.id.slice(0, 12) });
    this.follower = new FileFollower({
      containerId: meta.id,
      logPath,
      chunkBytes: cfg.read_chunk_bytes,
      maxLineBytes: cfg.max_line_bytes,
      maxDeletedHoldMs: cfg.max_deleted_hold,
      clock: deps.clock,
      logger: this.log,
      onTruncated: () => this.flushAll(),
    });
    this.partial = {
      stdout: new PartialJoiner(cfg.max_line_bytes),
      stderr: new PartialJoiner(cfg.max_line_bytes),
    };
    this.missingFile = new MissingFileWatch(logPath, deps.clock, this.log);
    this.corruptWarn = new RateLimitedWarn(this.log, deps.clock, 10_000);
    this.parseJson = false;
    this.idleMs = cfg.poll_interval;
    this.applyLabels(meta);
  }

  private applyLabels(meta: ContainerMeta): void {
    this.parseJson =
      meta.labels[LABEL_PARSE] === 'json' ||
      (this.cfg.parse_json_default && meta.labels[LABEL_PARSE] !== 'none');
    const pattern = meta.labels[LABEL_MULTILINE] ?? this.cfg.multiline.pattern;
    if (!pattern || this.multiline) return;
    try {
      const re = new RegExp(pattern);
      const ml = () =>
        new MultilineJoiner(
          re,
          this.cfg.multiline.max_wait,
          this.cfg.multiline.max_lines,
          this.cfg.max_line_bytes,
        );
      this.multiline = { stdout: ml(), stderr: ml() };
    } catch (err) {
      this.log.warn(
        { pattern, err: (err as Error).message },
        'invalid multiline pattern: multiline joining is off for this container',
      );
    }
  }

  /** Discovery saw a change (a rename): later events carry the new metadata. */
  update(meta: ContainerMeta): void {
    this.meta = meta;
    this.applyLabels(meta);
  }

  setRunning(running: boolean): void {
    this.running = running;
  }

  /** The container is gone: read what is left of the open file, flush, end. */
  remove(): void {
    this.removed = true;
    this.wake.fire();
  }

  async *batches(start: StartSpec, signal: AbortSignal): AsyncGenerator<TailBatch> {
    await this.follower.start(start);
    try {
      while (!signal.aborted) {
        const chunk = await this.follower.next();
        if (chunk) {
          const { buf, end, fileOffset, start: s0 } = chunk;
          tailMetrics.bytes.inc(end - s0);
          this.readTotal += end - s0;
          const ascii = isAscii(buf.subarray(s0, end));
          const utf8 = ascii || isUtf8(buf.subarray(s0, end));
          for (let s = s0; s < end;) {
            const nl = buf.indexOf(10, s);
            this.line(buf, s, nl, fileOffset + (s - s0), utf8, ascii);
            s = nl + 1;
            if (this.out.length >= this.cfg.batch_max_events || this.outBytes >= this.cfg.batch_max_bytes) {
              // Mid-chunk, the reader is already past the chunk: checkpoint at the next line instead.
              this.cursor = fileOffset + (s - s0);
              this.chunkEnd = fileOffset + (end - s0);
              yield this.take();
            }
          }
          this.cursor = undefined;
          this.idleMs = this.cfg.poll_interval;
          continue;
        }
        this.flushDue();
        if (this.removed) {
          this.flushAll();
          if (this.out.length > 0) yield this.take();
          this.ended = true;
          this.dropCheckpointWhenSettled();
          return;
        }
        // Only batches with events: the pipeline skips empty ones without acknowledging them.
        if (this.out.length > 0) yield this.take();
        this.missingFile.check(this.follower.position() !== undefined, this.running);
        tailMetrics.lag.set({ container: this.meta.name }, this.lag());
        await this.wake.wait(this.nextWakeMs(), signal);
        // Nothing new: an idle container is polled less and less often (50 idle tailers at 250 ms
        // were most of the collector's CPU); the first chunk read resets it to poll_interval.
        this.idleMs = Math.min(this.idleMs * 2, Math.max(this.cfg.poll_interval, IDLE_POLL_CAP_MS));
      }
    } finally {
      this.missingFile.close();
      await this.follower.close();
    }
  }

  /** The container is gone and everything read was delivered: its checkpoint has no use any more. */
  private dropCheckpointWhenSettled(): void {
    if (!this.ended || this.failed || !this.acks.settled()) return;
    this.deps.checkpoints.delete(this.meta.id);
    tailMetrics.lag.remove({ container: this.meta.name });
  }

  private nextWakeMs(): number {
    let ms = this.idleMs;
    const now = this.deps.clock.now();
    // Pending pieces and records still flush on time, however long the idle back-off has grown.
    for (const p of Object.values(this.partial)) {
      const since = p.waitingSince();
      if (since !== undefined) ms = Math.min(ms, Math.max(1, since + this.cfg.multiline.max_wait - now));
    }
    for (const j of Object.values(this.multiline ?? {})) {
      const at = j.dueAt();
      if (at !== undefined) ms = Math.min(ms, Math.max(1, at - now));
    }
    return ms;
  }

  private line(buf: Buffer, s: number, e: number, offset: number, utf8: boolean, ascii: boolean): void {
    const p = this.parsed;
    if (!parseJsonFileLine(buf, s, e, utf8, p, ascii)) {
      tailMetrics.corrupt.inc();
      this.corruptWarn.warn(
        { offset, sample: buf.toString('utf8', s, Math.min(e, s + 120)) },
        'corrupt line in json-file log: skipped',
      );
      return;
    }
    const id = this.ids.id(this.follower.tag ?? '', offset);
    const joiner = this.partial[p.stream];
    if (p.last && joiner.pending() === undefined) {
      // The common case: a whole line, no joining needed, no intermediate objects.
      let text = p.text;
      let cut = false;
      if (text.length * 3 > this.cfg.max_line_bytes) ({ text, cut } = capUtf8(text, this.cfg.max_line_bytes));
      if (!this.multiline)
        return this.emit(text, p.stream, p.time, p.ts, id, p.invalidUtf8, cut, p.plain && !cut);
      this.assembled({
        message: text,
        stream: p.stream,
        time: p.time,
        id,
        pos: { ...this.follower.position()!, offset },
        invalidUtf8: p.invalidUtf8,
        truncated: cut,
      });
      return;
    }
    const pos = { ...this.follower.position()!, offset };
    const piece: Piece = {
      text: p.text,
      last: p.last,
      stream: p.stream,
      time: p.time,
      id,
      pos,
      invalidUtf8: p.invalidUtf8,
    };
    const whole = joiner.push(piece, this.deps.clock.now());
    if (whole) this.assembled(whole);
  }

  private assembled(a: Assembled): void {
    if (!this.multiline) return this.emitAssembled(a);
    for (const r of this.multiline[a.stream].push(a, this.deps.clock.now())) this.emitAssembled(r);
  }

  private emitAssembled(a: Assembled): void {
    this.emit(a.message, a.stream, a.time, timeToMs(a.time), a.id, a.invalidUtf8, a.truncated, false);
  }

  private emit(
    message: string,
    stream: LogStream,
    time: string,
    /** timeToMs(time), which the parser already read from the bytes for the common line. */
    ts: number,
    id: string,
    invalidUtf8: boolean,
    truncated: boolean,
    /** The message has nothing JSON would escape (the id never has: a file tag and an offset). */
    plain: boolean,
  ): void {
    const fields = this.parseJson ? parseFields(message) : undefined;
    const level = this.cfg.detect_level
      ? ((fields && levelFromFields(fields)) ?? levelFromText(message))
      : undefined;
    // Every field set (level possibly undefined): one object shape per class keeps V8's property access fast downstream.
    const host = this.deps.host;
    // Two `new` sites, each with one class: V8 inlines a constructor it always sees the same.
    const ev: TailedLogEvent = plain
      ? new PlainJsonTailedLine(host, ts, this.meta, stream, message, time, id, level)
      : new TailedLine(host, ts, this.meta, stream, message, time, id, level);
    if (fields) ev.fields = fields;
    if (invalidUtf8) {
      ev.invalidUtf8 = true;
      tailMetrics.invalidUtf8.inc();
    }
    if (truncated) {
      ev.truncated = true;
      tailMetrics.truncatedLines.inc();
    }
    this.out.push(ev);
    this.outBytes += message.length + 200;
  }

  private flushDue(): void {
    const now = this.deps.clock.now();
    for (const stream of ['stdout', 'stderr'] as const) {
      const p = this.partial[stream];
      const since = p.waitingSince();
      if (since !== undefined && now - since >= this.cfg.multiline.max_wait) {
        const a = p.flush();
        if (a) this.assembled(a);
      }
      const r = this.multiline?.[stream].due(now);
      if (r) this.emitAssembled(r);
    }
  }

  private flushAll(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const a = this.partial[stream].flush();
      if (a) this.assembled(a);
      const r = this.multiline?.[stream].flush();
      if (r) this.emitAssembled(r);
    }
  }

  private readerPosition(): Position | undefined {
    const p = this.follower.position();
    return p && this.cursor !== undefined ? { ...p, offset: this.cursor } : p;
  }

  private position(): Position | undefined {
    return earliest([
      this.partial.stdout.pending(),
      this.partial.stderr.pending(),
      this.multiline?.stdout.pending(),
      this.multiline?.stderr.pending(),
      this.readerPosition(),
    ]);
  }

  private take(): TailBatch {
    const position = this.position();
    // Bytes consumed up to this batch (the chunk's unprocessed rest is not), for the lag gauge.
    const consumed =
      this.cursor === undefined ? this.readTotal : this.readTotal - (this.chunkEnd - this.cursor);
    const batch: TailBatch = { events: this.out, position, readTotal: consumed, seq: this.acks.issue() };
    tailMetrics.lines.inc({ source: 'file' }, this.out.length);
    this.out = [];
    this.outBytes = 0;
    return batch;
  }

  private lag(): number {
    return this.readTotal - this.ackedTotal + this.follower.unread();
  }

  /** Every subscriber has the batch: move the checkpoint (acks come in order). */
  delivered(delivered: TailBatch): void {
    if (this.failed) return;
    const batch = this.acks.ack(delivered.seq, delivered);
    if (!batch) return;
    this.ackedTotal = Math.max(this.ackedTotal, batch.readTotal);
    const p = batch.position;
    if (p) {
      this.deps.checkpoints.put(
        this.meta.id,
        { kind: 'file', dev: p.dev, ino: p.ino, fp: p.fp, offset: p.offset, path: p.path },
        this.deps.clock.now(),
      );
      tailMetrics.checkpoints.inc();
    }
    if (this.ended) this.dropCheckpointWhenSettled();
    else tailMetrics.lag.set({ container: this.meta.name }, this.lag());
  }

  /** A batch could not be delivered: hold the checkpoint where it is, so a restart reads it again. */
  failedDelivery(err: unknown): void {
    if (!this.failed) this.log.error({ err }, 'log batch not delivered: checkpoint frozen until restart');
    this.failed = true;
  }
}
