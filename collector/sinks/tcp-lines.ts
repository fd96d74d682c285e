import net from 'node:net';
import type { Clock } from '../../core/clock';
import { TransientDeliveryError } from '../../core/errors';
import type { LookoutEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import { PartialWriteError } from './sink';

export interface LineWriterOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** How long written lines stay "unconfirmed" (see below). */
  resendWindowMs: number;
  /** Bound on what the window holds, whatever its age. */
  resendMaxBytes?: number;
  logger: Logger;
  clock: Clock;
}

/** A batch's lines: text, or bytes (possibly a view of a reused buffer, see CarbonEncoder). */
export type Lines = string | Uint8Array;

interface Written {
  at: number;
  events: LookoutEvent[];
  bytes: number;
}

/**
 * A line-oriented TCP connection (carbon plaintext, Logstash json_lines), opened on demand and
 * again after it breaks. The delivery layer's retry loop gives the backoff between attempts.
 *
 * TCP gives no application acknowledgement: `write` resolves once the kernel took the bytes
 * ("written and drained"), but lines still in flight when the peer goes away are lost without a
 * word. So the writer remembers what it wrote in the last `resendWindowMs`; when the connection
 * breaks, those events become unconfirmed and are handed back to the delivery layer with the
 * next batch (in a PartialWriteError), which spools them and sends them again. Carbon overwrites
 * a point at the same path and timestamp, so a repeat is harmless there; Logstash pipelines
 * should index with `document_id => "%{[event][id]}"` to make repeats a no-op.
 */
export class LineWriter {
  private socket: net.Socket | undefined;
  private window: Written[] = [];
  private windowBytes = 0;
  private unconfirmed: LookoutEvent[] = [];
  private readonly log: Logger;

  constructor(private readonly opts: LineWriterOptions) {
    this.log = opts.logger;
  }

  /**
   * Writes `payload` (the batch's lines) after any unconfirmed lines. A Uint8Array payload may be
   * a view of the caller's reused buffer: it is not kept after the promise settles.
   */
  async write(events: LookoutEvent[], payload: Lines, signal: AbortSignal): Promise<void> {
    const pending = this.unconfirmed;
    try {
      const sock = this.socket ?? (await this.connect(signal));
      // Unconfirmed events go first: they are older than this batch.
      const resend = pending.length > 0 ? this.render(pending) : '';
      await this.send(sock, resend, payload, signal);
      this.unconfirmed = [];
      if (pending.length > 0) this.remember(pending, resend.length);
      this.remember(events, payload.length);
    } catch (err) {
      this.drop();
      const back = this.unconfirmed;
      this.unconfirmed = [];
      const msg = `${this.opts.host}:${this.opts.port}: ${(err as Error).message}`;
      if (back.length > 0) throw new PartialWriteError(msg, [...back, ...events], err);
      throw new TransientDeliveryError(msg, err);
    }
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  /** Set by the owner: turns events back into lines for a resend (rare: a string will do). */
  render: (events: LookoutEvent[]) => string = () => '';

  private remember(events: LookoutEvent[], bytes: number): void {
    const now = this.opts.clock.now();
    this.window.push({ at: now, events, bytes });
    this.windowBytes += bytes;
    const max = this.opts.resendMaxBytes ?? 16 * 1024 * 1024;
    while (
      this.window.length > 0 &&
      (this.window[0]!.at < now - this.opts.resendWindowMs || this.windowBytes > max)
    ) {
      this.windowBytes -= this.window.shift()!.bytes;
    }
  }

  private connect(signal: AbortSignal): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: this.opts.host, port: this.opts.port });
      const timer = setTimeout(
        () => fail(new Error(`connect timed out after ${this.opts.connectTimeoutMs} ms`)),
        this.opts.connectTimeoutMs,
      );
      const onAbort = () => fail(signal.reason as Error);
      const fail = (err: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        sock.destroy();
        reject(err);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      sock.once('error', fail);
      sock.once('connect', () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        sock.removeListener('error', fail);
        sock.setNoDelay(true);
        sock.setKeepAlive(true, 10_000);
        // The peer never talks back on these protocols: an end or error means it went away.
        sock.on('error', (err) => this.broken(sock, err));
        sock.on('end', () => this.broken(sock, new Error('peer closed the connection')));
        sock.on('close', () => this.broken(sock, new Error('connection closed')));
        sock.resume();
        this.socket = sock;
        this.log.info({ host: this.opts.host, port: this.opts.port }, 'connected');
        resolve(sock);
      });
    });
  }

  private send(sock: net.Socket, resend: string, payload: Lines, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => finish(signal.reason as Error);
      const onClose = () => finish(new Error('connection closed while writing'));
      const finish = (err?: Error | null) => {
        signal.removeEventListener('abort', onAbort);
        sock.removeListener('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      if (sock.destroyed) return finish(new Error('connection closed'));
      signal.addEventListener('abort', onAbort, { once: true });
      sock.once('close', onClose);
      // The callback fires once the data left our buffers: "written and drained". Writes on one
      // socket complete in order, so the payload's callback also covers the resend before it.
      if (typeof payload === 'string') return void sock.write(resend + payload, (err) => finish(err));
      sock.cork();
      if (resend !== '') sock.write(resend);
      sock.write(payload, (err) => finish(err));
      sock.uncork();
    });
  }

  /** The connection went away: what it carried recently is no longer known to have arrived. */
  private broken(sock: net.Socket, err: Error): void {
    if (this.socket !== sock) return;
    this.log.warn({ err: err.message, host: this.opts.host, port: this.opts.port }, 'connection lost');
    this.drop();
  }

  private drop(): void {
    const sock = this.socket;
    this.socket = undefined;
    sock?.destroy();
    for (const w of this.window) this.unconfirmed.push(...w.events);
    this.window = [];
    this.windowBytes = 0;
  }

  /** Events waiting to be sent again (for the delivery layer at shutdown). */
  takeUnconfirmed(): LookoutEvent[] {
    const out = this.unconfirmed;
    this.unconfirmed = [];
    return out;
  }

  close(): Promise<void> {
    const sock = this.socket;
    this.socket = undefined;
    if (!sock) return Promise.resolve();
    return new Promise((resolve) => {
      sock.end(() => resolve());
      setTimeout(() => {
        sock.destroy();
        resolve();
      }, 2000).unref();
    });
  }
}
