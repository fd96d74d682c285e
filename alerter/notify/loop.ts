/**
 * The dispatch/delivery loop: one pass (dispatch, then deliver what is due), every `tick` ms or
 * sooner when woken by new input, until stopped. It also knows when it last completed a pass,
 * which is what the watchdog calls healthy.
 */
import type { Clock } from '../../core/clock';
import { sleep } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import { pruneDecisions } from './decisions';
import { dispatch, type DispatchContext } from './dispatch';
import { deliverDue, type Receiver } from './outbox';
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

  constructor(private readonly deps: NotifyLoopDeps) {}

  /** Aborted when the loop stops: in-flight deliveries and the watchdog end with it. */
  get signal(): AbortSignal {
    return this.inner.signal;
  }

  /** One dispatch and delivery pass now. */
  async pass(): Promise<void> {
    const { store, ctx, clock, logger } = this.deps;
    const now = clock.now();
    const queued = dispatch(ctx, now);
    if (queued > 0) logger.debug({ queued }, 'notifications queued');
    await deliverDue({
      store,
      receivers: this.deps.receivers,
      clock,
      logger,
      signal: this.inner.signal,
      onDelivered: this.deps.onDelivered,
    });
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

  /** Resolves once the pass under way (if any) has ended. */
  async stop(): Promise<void> {
    this.inner.abort();
    this.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.inner.signal.aborted) {
      try {
        await this.pass();
      } catch (err) {
        this.deps.logger.error({ err }, 'notify pass failed; trying again');
      }
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        sleep(this.deps.tick, this.inner.signal).then(resolve, resolve);
      });
      this.wakeUp = undefined;
    }
  }
}
