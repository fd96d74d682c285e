/**
 * The dispatch/delivery loop: one pass (dispatch, then kick the delivery lanes), every `tick` ms
 * or sooner when woken by new input, until stopped. The running loop never waits for a delivery:
 * the lanes (lanes.ts) drain each receiver on their own, so a receiver that hangs cannot delay
 * the next pass nor another receiver's page. It also knows when it last completed a pass, which
 * is what the watchdog calls healthy.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { pause } from '../../core/pause';
import type { StateStore } from '../../core/store/store';
import { pruneDecisions } from './decisions';
import { dispatch, type DispatchContext } from './dispatch';
import { DeliveryLanes } from './lanes';
import { DEFAULT_IN_FLIGHT, type Receiver } from './outbox';
import { pruneSilences } from './silence';
import type { DeliveryNote } from './types';

/** Decisions and ended silences are kept a week, for `lookout explain` and the API. */
const KEEP_MS = 7 * 86_400_000;
/** Pruning every pass would be wasted work: every 600th (10 minutes at the default 1 s tick). */
const PRUNE_EVERY = 600;

export interface NotifyLoopDeps {
  store: StateStore;
  ctx: DispatchContext;
  receivers: Map<string, Receiver>;
  clock: Clock;
  logger: Logger;
  /** Pause between passes, ms. */
  tick: number;
  onDelivered?: (note: DeliveryNote) => void;
}

export class NotifyLoop {
  private readonly inner = new AbortController();
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private lastPassAt = 0;
  private passes = 0;
  private readonly lanes: DeliveryLanes;

  constructor(private readonly deps: NotifyLoopDeps) {
    // Each send in flight listens on this signal until it ends: up to the in-flight bound per
    // receiver, so more than Node's default of 10 is normal here, not a leak.
    setMaxListeners(Math.max(10, DEFAULT_IN_FLIGHT * (deps.receivers.size + 1)), this.inner.signal);
    this.lanes = new DeliveryLanes({
      store: deps.store,
      receivers: deps.receivers,
      clock: deps.clock,
      logger: deps.logger,
      signal: this.inner.signal,
      onDelivered: deps.onDelivered,
    });
  }

  /** Aborted when the loop stops: in-flight deliveries and the watchdog end with it. */
  get signal(): AbortSignal {
    return this.inner.signal;
  }

  /**
   * One dispatch pass now, resolving once every delivery it started (and any that were under
   * way) has ended: what tests driving a ManualClock by hand want. The running loop does not wait.
   */
  async pass(): Promise<void> {
    this.dispatchAndKick();
    await this.lanes.idle();
  }

  /** How many sends to `receiver` are in flight now. */
  inFlight(receiver: string): number {
    return this.lanes.inFlight(receiver);
  }

  private dispatchAndKick(): void {
    const { store, ctx, clock, logger } = this.deps;
    const now = clock.now();
    const queued = dispatch(ctx, now);
    if (queued > 0) logger.debug({ queued }, 'notifications queued');
    this.lanes.kick();
    if (++this.passes % PRUNE_EVERY === 0) {
      pruneDecisions(store, now, KEEP_MS);
      pruneSilences(store, now, KEEP_MS);
    }
    this.lastPassAt = clock.now();
  }

  /** The loop (and whatever runs on its signal) ends when `signal` aborts, as on stop(). */
  stopWith(signal: AbortSignal | undefined): void {
    if (signal?.aborted) this.inner.abort();
    signal?.addEventListener('abort', () => this.inner.abort(), { once: true });
  }

  /** Runs passes until stopped. */
  start(): void {
    this.running ??= this.run();
  }

  /** Cuts the current pause short: new input is handled now, not at the next tick. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Whether a pass completed within `withinMs` (the clock's time). */
  passedWithin(withinMs: number): boolean {
    return this.deps.clock.now() - this.lastPassAt < withinMs;
  }

  /** Resolves once the loop and every send under way (aborted by now) have ended. */
  async stop(): Promise<void> {
    this.inner.abort();
    this.wake();
    await this.running;
    await this.lanes.idle();
  }

  private async run(): Promise<void> {
    while (!this.inner.signal.aborted) {
      try {
        this.dispatchAndKick();
      } catch (err) {
        this.deps.logger.error({ err }, 'notify pass failed; trying again');
      }
      // A wake must end the pause itself, not just stop waiting for it: a sleep left running
      // until its tick kept its timer and its listener on the loop's signal, one per wake.
      const between = pause(this.deps.tick, this.inner.signal);
      this.wakeUp = between.wake;
      await between.ended;
      this.wakeUp = undefined;
    }
  }
}
