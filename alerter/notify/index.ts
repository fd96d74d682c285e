/**
 * notify: from the engine's transitions to pages, mails and webhooks, quietly and without
 * losing any. `handle` commits transitions to the store and returns; a loop then mutes,
 * routes and groups them (dispatch.ts) and delivers the outbox (outbox.ts).
 *
 *   transitions ─► ingest ─► notify_alerts ─► dispatch ─► notify_outbox ─► deliver ─► receivers
 *   lifecycle   ─► deploys ───────────────────────────────┘   (mute, route, group)
 */
import type { Clock } from '../../core/clock';
import type { LifecycleEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import type { AlertTransition } from '../types';
import { startAlerterApi, type AlerterApi } from '../api/server';
import type { NotifyConfig } from './config';
import { queueDeploys, type DeployEventsOptions } from './deploys/events';
import { dispatchContext, type DispatchContext } from './dispatch';
import type { FleetWrites } from './fleet';
import { notifyHealth, stallWindowMs } from './health';
import { ingest } from './ingest';
import { NotifyLoop } from './loop';
import type { Receiver } from './outbox';
import { buildReceivers, changeReceivers } from './receivers';
import { releaseAlerts } from './release';
import { migrateNotify } from './store/tables';
import { takeOver } from './takeover';
import type { DeliveryNote, TakenOverAlert } from './types';
import { runWatchdog } from './watchdog';

export { notifyConfigSchema, defaultNotifyConfig, type NotifyConfig } from './config';
export { addSilence, listSilences, expireSilence, type Silence, type AddSilenceInput } from './silence';
export { explain, formatDecisions, type Decision } from './decisions';
export { parseMatcher } from './matchers';
export type { DeliveryNote, TakenOverAlert, Told } from './types';

export interface NotifierService {
  /** Commits the transitions to the store; resolves after the commit (delivery follows). */
  handle(transitions: AlertTransition[]): Promise<void>;
  /**
   * handle's commit, synchronous: called inside a transaction the caller holds on the same
   * store (the alerter saving the states these transitions lead to), it commits with it.
   */
  intake(transitions: AlertTransition[]): void;
  /**
   * Firing alerts a fleet's replica took over from another (alerter/kafka's onAdopted): known
   * from now on (their resolve is announced), paged again only to the receivers the old owner
   * had not told yet. Resolves after the commit.
   */
  takeOver(alerts: TakenOverAlert[]): Promise<void>;
  /**
   * Forgets alerts another replica of a fleet owns now (alerter/kafka's onReleased), or every
   * alert ('all': a fleet's replica starting, before it is assigned anything). See release.ts.
   */
  release(keys: string[] | 'all'): Promise<void>;
  /** Lifecycle events, for deploy detection (change events and Graphite markers). */
  handleLifecycle(events: LifecycleEvent[]): Promise<void>;
  /** Starts the dispatch/delivery loop, the API (when enabled) and the watchdog (when configured). */
  start(signal?: AbortSignal): Promise<void>;
  /** One dispatch and delivery pass now (tests with a ManualClock drive it by hand). */
  tick(): Promise<void>;
  stop(): Promise<void>;
  /** For /healthz: unhealthy when the loop stalled or the outbox is not draining (health.ts). */
  health(): { ok: boolean; detail?: string };
  /** The API's address once started (port 0 in tests picks a free one). */
  apiAddress(): { host: string; port: number } | undefined;
}

export interface NotifierDeps {
  store: StateStore;
  logger: Logger;
  clock: Clock;
  config: NotifyConfig;
  /**
   * Each notification a receiver accepted (a fleet records them with the alert states, for
   * takeOver on the next owner). Called after the outbox row is gone; must not throw.
   */
  onDelivered?: (note: DeliveryNote) => void;
  /** A fleet's replica: the API tells every replica of the silences and acks written through it. */
  fleet?: FleetWrites;
}

/**
 * Wires the parts: input (handle, takeOver, release, handleLifecycle) is committed to the store
 * and wakes the loop (loop.ts), which dispatches and delivers to the receivers (receivers.ts).
 */
export function createNotifier(deps: NotifierDeps): NotifierService {
  const logger = deps.logger.child({ component: 'notify' });
  migrateNotify(deps.store);
  const receivers = buildReceivers(deps.config, { logger, clock: deps.clock });
  const ctx = dispatchContext(deps.store, deps.config);
  const loop = new NotifyLoop({
    store: deps.store,
    ctx,
    receivers,
    clock: deps.clock,
    logger,
    tick: deps.config.tick,
    onDelivered: deps.onDelivered,
  });
  return new Notify({ ...deps, logger }, ctx, receivers, loop);
}

class Notify implements NotifierService {
  private api: AlerterApi | undefined;
  private readonly deploys: DeployEventsOptions;

  constructor(
    private readonly deps: NotifierDeps,
    private readonly ctx: DispatchContext,
    private readonly receivers: Map<string, Receiver>,
    private readonly loop: NotifyLoop,
  ) {
    this.deploys = {
      windowMs: deps.config.deploys.window,
      receivers: changeReceivers(deps.config, receivers),
    };
  }

  handle(transitions: AlertTransition[]): Promise<void> {
    this.intake(transitions);
    return Promise.resolve();
  }

  intake(transitions: AlertTransition[]): void {
    if (transitions.length === 0) return;
    ingest(this.deps.store, transitions, this.deps.clock.now(), this.deps.config.flapping);
    this.loop.wake();
  }

  takeOver(alerts: TakenOverAlert[]): Promise<void> {
    if (alerts.length > 0) {
      const opts = {
        root: this.ctx.root,
        aggregate: this.ctx.aggregate,
        flapping: this.deps.config.flapping,
      };
      takeOver(this.deps.store, opts, alerts, this.deps.clock.now());
      this.loop.wake();
    }
    return Promise.resolve();
  }

  release(keys: string[] | 'all'): Promise<void> {
    const n = releaseAlerts(this.deps.store, keys, this.deps.clock.now());
    if (n > 0) this.deps.logger.info({ alerts: n }, 'alerts released: another replica owns them now');
    return Promise.resolve();
  }

  handleLifecycle(events: LifecycleEvent[]): Promise<void> {
    if (!this.deps.config.deploys.enabled || events.length === 0) return Promise.resolve();
    queueDeploys(this.deps.store, events, this.deploys, this.deps.clock.now());
    this.loop.wake();
    return Promise.resolve();
  }

  async start(signal?: AbortSignal): Promise<void> {
    const { store, clock, logger, config } = this.deps;
    this.loop.stopWith(signal);
    if (config.api.enabled)
      this.api = await startAlerterApi({
        store,
        clock,
        logger,
        config: config.api,
        fleet: this.deps.fleet,
        links: config.links,
      });
    this.loop.start();
    // Healthy while passes keep completing: a wedged loop stops the calls, which raises the alarm.
    const healthy = () => this.loop.passedWithin(stallWindowMs(config.tick));
    if (config.watchdog) void runWatchdog(config.watchdog, healthy, logger, this.loop.signal);
  }

  tick(): Promise<void> {
    return this.loop.pass();
  }

  health(): { ok: boolean; detail?: string } {
    const stallMs = stallWindowMs(this.deps.config.tick);
    const loopPassed = this.loop.passedWithin(stallMs);
    return notifyHealth(this.deps.store, this.deps.clock.now(), { loopPassed, stallMs });
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.api?.close();
    for (const r of this.receivers.values()) await r.notifier.close?.();
  }

  apiAddress(): { host: string; port: number } | undefined {
    return this.api?.address();
  }
}
