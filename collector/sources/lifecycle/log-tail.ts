/**
 * The last lines a container printed, read from the engine when it dies, so the `die` event
 * carries them. The alerter's own ring (alerter/runner/last-lines.ts) fills from the log stream,
 * which can reach it after the `die`: a container that exits once would page without them.
 *
 * `GET /containers/{id}/logs?tail=N` works for every log driver that can be read back
 * (json-file, local, journald), the same call the logs fallback makes. Bounded three ways: the
 * engine's `tail`, a cap on the bytes read (one enormous line), and a deadline, because this
 * container's next events wait for it (other containers' events do not: see per-key-order.ts).
 */
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { LAST_LINE_MAX_CHARS, LAST_LINES_MAX, LAST_LINES_MAX_BYTES } from '../../../core/events';
import { deadline } from '../../../core/deadline';
import type { DockerClient } from '../docker/client';
import { demux } from '../docker/engine-api';

/** Past this many bytes of answer the read stops: 50 lines are never that long unless one is huge. */
const MAX_READ_BYTES = 1024 * 1024;
/** This container's next event waits for this read; a die is worth a short wait, not a stall. */
export const TAIL_TIMEOUT_MS = 3_000;

export type LogTailApi = Pick<DockerClient, 'api'>;

/** The container's last LAST_LINES_MAX lines, oldest first, cleaned and bounded (see `boundLines`). */
export async function readLogTail(
  docker: LogTailApi,
  id: string,
  tty: boolean,
  signal?: AbortSignal,
  timeoutMs = TAIL_TIMEOUT_MS,
): Promise<string[]> {
  const d = deadline(timeoutMs, signal);
  try {
    const res = await docker.api.getStream(
      `/containers/${encodeURIComponent(id)}/logs`,
      { stdout: true, stderr: true, tail: LAST_LINES_MAX },
      d.signal,
    );
    const splitter = new LineSplitter();
    const cut = collect(res, tty, (chunk) => splitter.push(chunk));
    try {
      await finished(res);
    } catch (err) {
      // Cut at MAX_READ_BYTES: what was read is the start of the tail, still worth showing.
      if (!cut()) throw err;
    }
    return boundLines(splitter.end());
  } finally {
    d.done();
  }
}

/**
 * Feeds `onBytes` with the payload (frame headers removed) and stops reading past
 * MAX_READ_BYTES; the returned function tells whether it did.
 */
function collect(
  res: Readable & { destroy(): void },
  tty: boolean,
  onBytes: (b: Buffer) => void,
): () => boolean {
  let read = 0;
  const take = (b: Buffer) => {
    read += b.length;
    if (read > MAX_READ_BYTES) res.destroy();
    else onBytes(b);
  };
  if (tty) res.on('data', take);
  else demux(res, (_stream, payload) => take(payload));
  return () => read > MAX_READ_BYTES;
}

/**
 * Splits bytes into lines, decoding each whole line at once so a character split across two
 * frames is not lost. Keeps only the last LAST_LINES_MAX lines, each cut to a bounded size, so
 * memory is bounded whatever the engine sends.
 */
class LineSplitter {
  private lines: string[] = [];
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.add(chunk.subarray(start, nl));
      this.flush();
      start = nl + 1;
    }
    if (start < chunk.length) this.add(chunk.subarray(start));
  }

  end(): string[] {
    if (this.partialBytes > 0) this.flush();
    return this.lines;
  }

  private add(b: Buffer): void {
    // Bytes past four times the character cap can never be shown: not kept.
    const room = LAST_LINE_MAX_CHARS * 4 - this.partialBytes;
    if (room <= 0) return;
    const kept = b.length > room ? b.subarray(0, room) : b;
    this.partial.push(kept);
    this.partialBytes += kept.length;
  }

  private flush(): void {
    this.lines.push(this.decoder.decode(Buffer.concat(this.partial)));
    this.partial = [];
    this.partialBytes = 0;
    if (this.lines.length > LAST_LINES_MAX) this.lines.shift();
  }
}

/** Terminal colour and cursor sequences, which a log viewer would render and a page cannot. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Cleans and bounds lines for an event: terminal sequences and a trailing CR removed, other
 * control characters as U+FFFD (invalid UTF-8 already is, from the decoder), each line cut at
 * LAST_LINE_MAX_CHARS, and the oldest lines dropped until the whole fits LAST_LINES_MAX_BYTES.
 */
export function boundLines(raw: readonly string[]): string[] {
  const lines = raw.slice(-LAST_LINES_MAX).map((l) => {
    const clean = l.replace(/\r$/, '').replace(ANSI, '').replace(CONTROL, '\ufffd');
    return clean.length > LAST_LINE_MAX_CHARS ? `${clean.slice(0, LAST_LINE_MAX_CHARS)}…` : clean;
  });
  let bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  while (bytes > LAST_LINES_MAX_BYTES && lines.length > 0) bytes -= Buffer.byteLength(lines.shift()!) + 1;
  return lines;
}
