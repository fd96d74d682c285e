import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { LogStream } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import { demux } from '../docker/engine-api';

/** One line of the Engine API logs stream (`timestamps=true`): its time, then the message. */
export interface ApiLine {
  stream: LogStream;
  time: string;
  message: string;
}

/** Past this many unread lines the stream is paused; it resumes below half. */
export const MAX_QUEUED = 10_000;

/**
 * Turns one container's logs stream into queued lines. A TTY container's stream is not
 * multiplexed (no 8-byte frame headers): everything is stdout. `onChange` is called when lines
 * arrive or the stream ends, to wake whoever waits for them.
 */
export class ApiLineQueue {
  private readonly queue: ApiLine[] = [];
  private endedFlag = false;

  constructor(
    private readonly raw: Readable,
    tty: boolean,
    private readonly onChange: () => void,
    log: Logger,
  ) {
    if (tty) raw.on('data', this.splitter('stdout'));
    else {
      const out = this.splitter('stdout');
      const err = this.splitter('stderr');
      demux(raw, (stream, payload) => (stream === 'stderr' ? err : out)(payload));
    }
    raw.on('end', () => this.end());
    raw.on('error', (err: Error) => {
      log.warn({ err: err.message }, 'logs API stream failed');
      this.end();
    });
  }

  /** The stream ended or failed (lines may still be queued). */
  get ended(): boolean {
    return this.endedFlag;
  }

  get size(): number {
    return this.queue.length;
  }

  /** Up to `max` lines, oldest first; resumes a paused stream once the queue has drained enough. */
  take(max: number): ApiLine[] {
    const lines = this.queue.splice(0, max);
    if (this.queue.length < MAX_QUEUED / 2) this.raw.resume();
    return lines;
  }

  private end(): void {
    this.endedFlag = true;
    this.onChange();
  }

  /**
   * One line assembler per stream: a line may arrive in several frames or chunks, and a
   * multi-byte character may be cut between them (the decoder keeps the partial bytes).
   */
  private splitter(stream: LogStream): (chunk: Buffer) => void {
    let rest = '';
    const decoder = new StringDecoder('utf8');
    return (chunk) => {
      const parts = (rest + decoder.write(chunk)).split('\n');
      rest = parts.pop()!;
      for (const p of parts) {
        const sp = p.indexOf(' ');
        const msg = p.slice(sp + 1);
        this.queue.push({
          stream,
          time: p.slice(0, sp),
          message: msg.endsWith('\r') ? msg.slice(0, -1) : msg,
        });
      }
      if (this.queue.length > MAX_QUEUED) this.raw.pause();
      this.onChange();
    };
  }
}
