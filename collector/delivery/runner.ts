import type { Clock } from '../../core/clock';
import { sleep } from '../../core/clock';
import { TransientDeliveryError } from '../../core/errors';
import type { LookoutEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import { backoffDelay, type RetryPolicy } from '../../core/retry';
import type { DeadLetter, Sink } from '../sinks/sink';
import { approxBytes, chunk, settle, type Part } from './batch';
import { InFlight } from './in-flight';
import { LoopSleep } from './loop-sleep';
import { MemoryQueue } from './memory-queue';
import { retryPolicyOf, type DeliveryConfig } from './config';
import * as m from './metrics';
import { WriteOutcome } from './outcome';
import { Spool, type SpoolRow } from './spool';
import { deadline } from '../../core/deadline';

export interface SinkState {
  sink: string;
  queuedEvents: number;
  queuedBytes: number;
  spooledEvents: number;
  spooledBytes: number;
  /** The spool is full and intake waits (policy block): the tailer is held back. */
  blocked: boolean;
  failingSince?: number; // WriteOutcome.failingSince
}

/**
 * Delivery for one sink:
 *
 *   accept(batch) ──► memory queue ──► write (max_in_flight at once) ──► ack
 *          │                │ fails, slow, or over memory_max_bytes
 *          │                ▼
 *          └─ spool has rows ──► spool (state store) ──► drain loop, oldest first, backoff ──► ack
 *
 * `accept` resolves once every event of the batch is delivered, dead-lettered, or durably in
 * the spool. While the spool holds anything, new batches go behind it, so order is kept
 * (except a failed in-flight batch landing after queued ones that spilled meanwhile).
 */
export class SinkRunner {
  private readonly queue = new MemoryQueue();
  private readonly inFlight: InFlight;
  private stopping = false;
  private attempt = 0;
  private spillTimer: NodeJS.Timeout | undefined;
  private roomWaiters: Array<() => void> = [];
  private loopDone: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly pause = new LoopSleep(this.abort.signal, () => this.stopping);
  private readonly spool: Spool;
  private readonly labels: { sink: string };
  private readonly policy: RetryPolicy;
  private readonly outcome: WriteOutcome;

  constructor(
    readonly sink: Sink,
    private readonly deps: {
      spool: Spool;
      logger: Logger;
      clock: Clock;
      deadLetter: DeadLetter;
      config: DeliveryConfig;
    },
  ) {
    this.spool = deps.spool;
    this.labels = { sink: sink.name };
    this.outcome = new WriteOutcome(sink.name, deps);
    // A write whose events could not even be spooled stays unacknowledged: the tailer reads them again.
    this.inFlight = new InFlight(sink.concurrentWrites ? deps.config.max_in_flight : 1, (err) =>
      deps.logger.error({ err: (err as Error).message }, 'delivery write could not settle'),
    );
    this.policy = retryPolicyOf(deps.config);
    this.report();
  }

  /** Writes this sink may have running at once. */
  get maxInFlight(): number {
    return this.inFlight.max;
  }

  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Resolves when the events are delivered or spooled; waits while the spool is full (policy block). */
  async accept(events: LookoutEvent[]): Promise<void> {
    if (events.length === 0) return;
    const c = this.deps.config;
    if (this.spool.rows > 0 || this.stopping) {
      await this.spoolIntake(events);
      if (this.spool.rows > 0 || this.stopping) return;
    }
    const done = this.queue.push(events);
    if (this.queue.bytes > c.memory_max_bytes) this.spillQueue('memory ceiling reached');
    else if (this.inFlight.count > 0 && !this.spillTimer) {
      this.spillTimer = setTimeout(() => {
        this.spillTimer = undefined;
        if (this.inFlight.count > 0) this.spillQueue('backend slow');
      }, c.spill_after);
    }
    this.report();
    this.pause.wake();
    return done;
  }

  /** Straight into the spool, within its bound. */
  private async spoolIntake(events: LookoutEvent[]): Promise<void> {
    const c = this.deps.config;
    const chunks = chunk(events, c.batch_max_events, c.batch_max_bytes);
    const need = events.reduce((a, e) => a + approxBytes(e), 0);
    while (this.spool.rows > 0 && this.spool.bytes + need > c.spool.max_bytes) {
      if (c.spool.policy === 'drop_oldest') {
        const n = this.spool.dropOldest();
        m.spoolDropped.inc(this.labels, n);
        continue;
      }
      // Not acknowledging is the point: the tailer stops and the log files hold the rest.
      if (this.stopping)
        throw new TransientDeliveryError(
          `${this.sink.name}: spool full while stopping; events stay in the log files`,
        );
      m.spoolBlocked.set(this.labels, 1);
      await new Promise<void>((r) => this.roomWaiters.push(r));
    }
    m.spoolBlocked.set(this.labels, 0);
    if (this.spool.rows === 0 && !this.stopping) return; // drained meanwhile: the caller queues in memory
    this.spool.append(chunks);
    this.report();
  }

  /** Moves everything queued (not in flight) to the spool and acknowledges it. */
  private spillQueue(why: string): void {
    if (this.queue.length === 0) return;
    const c = this.deps.config;
    const { events: moved, parts } = this.queue.takeAll();
    this.spool.append(chunk(moved, c.batch_max_events, c.batch_max_bytes));
    this.deps.logger.info({ events: moved.length, why }, 'spilling to the spool');
    this.queue.forget(moved);
    settle(parts);
    this.report();
    this.pause.wake();
  }

  private async loop(): Promise<void> {
    try {
      await this.sink.start?.(this.abort.signal);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'sink start failed');
    }
    for (;;) {
      try {
        if (this.spool.rows > 0 && !this.stopping) {
          // Writes still running end (or spool) first: the spool's head goes out alone.
          await this.inFlight.all();
          await this.drainOnce();
        } else if (this.queue.length > 0 && !this.inFlight.full) {
          const c = this.deps.config;
          if (c.linger > 0 && !this.stopping && this.queue.events < c.batch_max_events)
            await this.pause.sleep(c.linger);
          this.startSend();
        } else if (this.stopping && this.inFlight.count === 0) {
          return;
        } else {
          await this.pause.sleep(); // new events, a write that ended, or a stop wake it
        }
      } catch (err) {
        // The spool itself failed (disk full, store closed): keep trying, never die silently.
        this.deps.logger.error({ err: (err as Error).message }, 'delivery loop error');
        if (this.stopping) return;
        await sleep(backoffDelay(this.policy, this.attempt++), this.abort.signal).catch(() => undefined);
      }
    }
  }

  private async write(events: LookoutEvent[]): Promise<void> {
    const limit = deadline(this.deps.config.write_timeout, this.abort.signal);
    try {
      await this.sink.write(events, limit.signal);
    } finally {
      limit.done();
    }
  }

  /** The next batch off the queue on the wire, without waiting for it (see InFlight). */
  private startSend(): void {
    if (this.queue.length === 0) return; // spilled while lingering
    const c = this.deps.config;
    const { events, parts } = this.queue.take(c.batch_max_events, c.batch_max_bytes);
    this.inFlight.start(
      () => this.sendQueued(events, parts),
      () => this.pause.wake(),
    );
  }

  private async sendQueued(events: LookoutEvent[], parts: Part[]): Promise<void> {
    const c = this.deps.config;
    try {
      await this.write(events);
      this.succeeded(events);
    } catch (err) {
      this.failed(err, events, (rest) =>
        this.spool.append(chunk(rest, c.batch_max_events, c.batch_max_bytes)),
      );
      // Everything behind this batch goes to the spool too, to keep the order and free the tailer.
      this.spillQueue('backend failed');
    } finally {
      if (this.spillTimer) clearTimeout(this.spillTimer);
      this.spillTimer = undefined;
      this.queue.forget(events);
      settle(parts);
      this.report();
    }
  }

  private async drainOnce(): Promise<void> {
    const c = this.deps.config;
    const rows: SpoolRow[] = this.spool.head(c.batch_max_events, c.batch_max_bytes);
    const events = rows.flatMap((r) => r.events);
    let ok = false;
    try {
      await this.write(events);
      this.spool.settle(rows);
      this.succeeded(events);
      ok = true;
    } catch (err) {
      this.failed(
        err,
        events,
        (rest) => this.spool.settle(rows, rest),
        () => this.spool.settle(rows),
      );
    }
    this.report();
    for (const w of this.roomWaiters.splice(0)) w();
    if (!ok && !this.stopping) {
      const delay = backoffDelay(this.policy, this.attempt++);
      m.retries.inc(this.labels);
      await sleep(delay, this.abort.signal).catch(() => undefined);
    }
  }

  private succeeded(events: LookoutEvent[]): void {
    this.attempt = 0;
    this.outcome.succeeded(events);
  }

  private failed(
    err: unknown,
    events: LookoutEvent[],
    keep: (rest: LookoutEvent[]) => void,
    drop?: () => void,
  ): void {
    const at = { aborted: this.abort.signal.aborted, attempt: this.attempt };
    this.outcome.failed(err, events, at, keep, drop);
  }

  private report(): void {
    m.queueEvents.set(this.labels, this.queue.events);
    m.queueBytes.set(this.labels, this.queue.bytes);
    m.spoolBytes.set(this.labels, this.spool.bytes);
    m.spoolEvents.set(this.labels, this.spool.events);
  }

  state(): SinkState {
    return {
      sink: this.sink.name,
      queuedEvents: this.queue.events,
      queuedBytes: this.queue.bytes,
      spooledEvents: this.spool.events,
      spooledBytes: this.spool.bytes,
      blocked: this.roomWaiters.length > 0,
      failingSince: this.outcome.failingSince,
    };
  }

  /**
   * Stops: what is queued gets one last write, else the spool; unconfirmed TCP lines are spooled;
   * a write still running after `graceMs` is aborted (its events stay in the spool).
   */
  async close(graceMs = 5000): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    for (const w of this.roomWaiters.splice(0)) w();
    const timer = setTimeout(() => this.abort.abort(new Error('delivery closing')), graceMs);
    await this.loopDone;
    clearTimeout(timer);
    this.abort.abort(new Error('delivery closed'));
    const back = this.sink.takeUnconfirmed?.() ?? [];
    const c = this.deps.config;
    if (back.length > 0) this.spool.append(chunk(back, c.batch_max_events, c.batch_max_bytes));
    this.report();
    await this.sink.close();
  }
}
