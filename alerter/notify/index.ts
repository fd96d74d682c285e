/**
 * notify: from the engine's transitions to pages, mails and webhooks, quietly and without
 * losing any. `handle` commits transitions to the store and returns; a loop then mutes,
 * routes and groups them (dispatch.ts) and delivers the outbox (outbox.ts).
 *
 *   transitions ─► ingest ─► notify_alerts ─► dispatch ─► notify_outbox ─► deliver ─► receivers
 *   lifecycle   ─► deploys ───────────────────────────────┘   (mute, route, group)
 */
import type { Clock } from '../../core/clock';
import { sleep } from '../../core/clock';
import type { LifecycleEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import type { AlertTransition } from '../types';
import { startAlerterApi, type AlerterApi } from '../api/server';
import type { NotifyConfig } from './config';
import { pruneDecisions } from './decisions';
import { detectDeploys, type DeployState } from './deploys/detect';
import { GRAPHITE_EVENTS_RECEIVER, graphiteEventsNotifier } from './deploys/graphite-events';
import { dispatch, type DispatchContext } from './dispatch';
import { compileAggregateRules } from './aggregate';
import { compileInhibitRules } from './inhibit';
import { ingest } from './ingest';
import { deploysSeen } from './metrics';
import { deliverDue, enqueue, type Receiver } from './outbox';
import { NOTIFIER_KINDS } from './registry';
import { compileRoutes } from './route';
import { pruneSilences } from './silence';
import { migrateNotify } from './tables';
import { releaseAlerts } from './release';
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
}

const DEPLOY_NS = 'notify.deploys';
const DECISION_MAX_AGE = 7 * 86_400_000;

function buildReceivers(config: NotifyConfig, deps: { logger: Logger; clock: Clock }): Map<string, Receiver> {
  const receivers = new Map<string, Receiver>();
  const list =
    config.receivers.length > 0
      ? config.receivers
      : [{ name: 'console', type: 'console' as const, format: 'summary' as const }];
  for (const rc of list) {
    const kind = NOTIFIER_KINDS.get(rc.type)!;
    receivers.set(rc.name, { notifier: kind.create(rc, deps), retry: kind.retry });
  }
  const graphite = config.deploys.graphite_url ?? config.links.graphite_url;
  if (config.deploys.enabled && graphite)
    receivers.set(GRAPHITE_EVENTS_RECEIVER, {
      notifier: graphiteEventsNotifier(graphite, 10_000),
      retry: { initialMs: 1000, maxMs: 60_000, factor: 2, maxAttempts: 50, jitter: 0.3 },
    });
  return receivers;
}

export function createNotifier(deps: NotifierDeps): NotifierService {
  const { store, clock, config } = deps;
  const logger = deps.logger.child({ component: 'notify' });
  migrateNotify(store);
  const receivers = buildReceivers(config, { logger, clock });
  const ctx: DispatchContext = {
    store,
    root: compileRoutes(config),
    inhibit: compileInhibitRules(config.inhibit_rules),
    inhibitNames: config.inhibit_rules.map((r, i) => r.name ?? `inhibit rule ${i}`),
    aggregate: compileAggregateRules(config.aggregate),
    links: config.links,
    flappingWindow: config.flapping.window,
  };
  const changeReceivers = [...receivers.entries()]
    .filter(
      ([name, r]) =>
        r.notifier.sendChange &&
        (name === GRAPHITE_EVENTS_RECEIVER ||
          !config.deploys.receivers ||
          config.deploys.receivers.includes(name)),
    )
    .map(([name]) => name);
  const inner = new AbortController();
  let api: AlerterApi | undefined;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let lastPass = 0;
  let passes = 0;

  const tick = async () => {
    const now = clock.now();
    const queued = dispatch(ctx, now);
    if (queued > 0) logger.debug({ queued }, 'notifications queued');
    await deliverDue({
      store,
      receivers,
      clock,
      logger,
      signal: inner.signal,
      onDelivered: deps.onDelivered,
    });
    if (++passes % 600 === 0) {
      pruneDecisions(store, now, DECISION_MAX_AGE);
      pruneSilences(store, now, DECISION_MAX_AGE);
    }
    lastPass = Date.now();
  };

  const run = async () => {
    while (!inner.signal.aborted) {
      try {
        await tick();
      } catch (err) {
        logger.error({ err }, 'notify pass failed; trying again');
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        sleep(config.tick, inner.signal).then(resolve, resolve);
      });
      wake = undefined;
    }
  };

  return {
    handle(transitions) {
      if (transitions.length > 0) {
        ingest(store, transitions, clock.now(), config.flapping);
        wake?.();
      }
      return Promise.resolve();
    },
    takeOver(alerts) {
      if (alerts.length > 0) {
        takeOver(store, { root: ctx.root, flapping: config.flapping }, alerts, clock.now());
        wake?.();
      }
      return Promise.resolve();
    },
    release(keys) {
      const n = releaseAlerts(store, keys, clock.now());
      if (n > 0) logger.info({ alerts: n }, 'alerts released: another replica owns them now');
      return Promise.resolve();
    },
    handleLifecycle(events) {
      if (!config.deploys.enabled || events.length === 0) return Promise.resolve();
      store.tx(() => {
        const state = store.get<DeployState>(DEPLOY_NS, 'state') ?? {};
        const found = detectDeploys(state, events, config.deploys.window);
        store.put(DEPLOY_NS, 'state', state);
        for (const d of found) {
          deploysSeen.inc();
          for (const name of changeReceivers)
            enqueue(
              store,
              name,
              'change',
              `deploy:${d.host}/${d.service}`,
              { kind: 'deploy', receiver: name, ...d },
              clock.now(),
            );
        }
      });
      wake?.();
      return Promise.resolve();
    },
    async start(signal) {
      signal?.addEventListener('abort', () => inner.abort(), { once: true });
      if (config.api.enabled) api = await startAlerterApi({ store, clock, logger, config: config.api });
      loop = run();
      if (config.watchdog)
        void runWatchdog(
          config.watchdog,
          () => Date.now() - lastPass < Math.max(3 * config.tick, 30_000),
          logger,
          inner.signal,
        );
    },
    tick,
    async stop() {
      inner.abort();
      wake?.();
      await loop;
      await api?.close();
      for (const r of receivers.values()) await r.notifier.close?.();
    },
    apiAddress: () => api?.address(),
  };
}
