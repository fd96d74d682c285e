import type { Bus, Subscription } from '../core/bus/bus';
import type { Clock } from '../core/clock';
import { ConfigError, LookoutError } from '../core/errors';
import { TOPICS, type LookoutEvent, type Topic } from '../core/events';
import type { Logger } from '../core/logger';
import type { StateStore } from '../core/store/store';
import type { AlerterConfig } from './config';
import { Engine } from './engine/engine';
import { alerterMetrics as m } from './engine/metrics';
import { AlertStore } from './engine/persist';
import { compileRules } from './rules/compile';
import { loadRules } from './rules/load';
import { TransitionDelivery } from './runner/delivery';
import { WriteAhead } from './runner/write-ahead';
import { startGraphitePoller } from './runner/graphite';
import { EventLag } from './runner/event-lag';
import { HandoffBuffer } from './runner/handoff-buffer';
import { InventorySaver } from './runner/inventory';
import { LastLines } from './runner/last-lines';
import { RuleReloader, type ReloadResult } from './runner/reload';
import { SerialQueue } from './runner/serial';
import { Ticker } from './runner/ticker';
import { watchRules } from './runner/watch';
import type { AlertTransition } from './types';
import type { AlerterHandoff, HandoffControl } from './handoff';

export { checkRules, ruleCheck } from './rules/check';
export { testRules, formatTestReport, type TestReport } from './rules/rule-tests-run';
export { explain, type ExplainOptions } from './rules/explain';
export { ruleJsonSchema } from './rules/write-schema';
export { alerterConfigSchema, type AlerterConfig } from './config';
export type { AlerterHandoff, HandoffBatch, HandoffControl } from './handoff';
export type { ReloadResult } from './runner/reload';

export interface AlerterDeps {
  bus: Bus;
  store: StateStore;
  clock: Clock;
  logger: Logger;
  config: AlerterConfig;
  /** Awaited: notify persists the transitions to its outbox. A rejection is retried on the next tick. */
  onTransitions(transitions: AlertTransition[]): Promise<void>;
  /**
   * Notify's synchronous intake when it keeps its tables in `store` (cli/alerter.ts): used instead
   * of onTransitions, in one transaction with the states the transitions lead to.
   */
  intakeInStore?(transitions: AlertTransition[]): void;
  /**
   * A fleet's hand-off of alert states between replicas (alerter/kafka: createKafkaHandoff).
   * With it, the alert states come from the hand-off, not from this replica's store (which may
   * hold groups another replica owns now), and an event batch resolves (its offsets may be
   * committed) only once its transitions are in the outbox and its states are handed off.
   */
  handoff?: AlerterHandoff;
}

export interface Alerter {
  /** Re-reads the rule files; a broken edit keeps the last good rules and reports what is wrong. */
  reload(): Promise<ReloadResult>;
  /** Re-evaluates every group now (the timer does this every eval_interval). */
  tick(): Promise<void>;
  /** Resolves once everything queued so far (events, ticks, reloads) has been handled. */
  idle(): Promise<void>;
  readonly engine: Engine;
  stop(): Promise<void>;
}

/**
 * The alerter of `lookout run` / `lookout alert`: subscribes to the bus, feeds the engine,
 * ticks on a timer, reloads rules on SIGHUP and on file change, and hands transitions to
 * notify before it records them, so a crash in between repeats a page (same dedup key)
 * rather than losing one. Throws a ConfigError when the rules are broken at start.
 */
export function createAlerter(deps: AlerterDeps): Alerter {
  const { config } = deps;
  const log = deps.logger.child({ component: 'alerter' });
  const parts = assemble(deps, log);
  const { engine, serial, ticker, reloader } = parts;
  const subs = subscribe(deps, parts);
  const owns = deps.handoff?.owns && ((key: string) => deps.handoff!.owns!(key));
  const takeHandedBlind = deps.handoff?.takeBlinds && (() => deps.handoff!.takeBlinds!());
  const graphite = startGraphitePoller({
    ...parts,
    config: config.graphite,
    clock: deps.clock,
    log,
    owns,
    takeHandedBlind,
  });
  const tick = (): Promise<void> => ticker.tick();
  const reload = (): Promise<ReloadResult> => serial.run(() => reloader.reload());

  const timer = setInterval(() => {
    tick().catch((err: unknown) => log.error({ err }, 'tick failed'));
  }, config.eval_interval);
  timer.unref();
  const onHup = (): void => {
    reload().catch((err: unknown) => log.error({ err }, 'reload failed'));
  };
  if (config.reload_on_sighup) process.on('SIGHUP', onHup);
  const unwatch = config.watch
    ? watchRules(config.rules, config.reload_debounce, onHup, log)
    : () => undefined;
  // The first transitions (restored alerts whose rule is gone) go out on the first tick.
  tick().catch((err: unknown) => log.error({ err }, 'tick failed'));

  return {
    reload,
    tick,
    idle: () => serial.idle(),
    engine,
    async stop() {
      clearInterval(timer);
      unwatch();
      process.off('SIGHUP', onHup);
      await graphite.stop();
      await Promise.all(subs.map((s) => s.unsubscribe()));
      await serial.run(async () => {
        parts.inventory.save(true);
        await parts.handoff
          ?.flush()
          .catch((err: unknown) => log.warn({ err }, 'alert states not handed off at stop'));
      });
    },
  };
}

interface Parts {
  engine: Engine;
  serial: SerialQueue;
  delivery: TransitionDelivery;
  inventory: InventorySaver;
  handoff?: HandoffBuffer;
  ticker: Ticker;
  reloader: RuleReloader;
  lastLines: LastLines;
  eventLag: EventLag;
}

/** Loads the rules and builds the engine around the states the store (or the fleet) kept. */
function assemble(deps: AlerterDeps, log: Logger): Parts {
  const { clock, config } = deps;
  const alertStore = new AlertStore(deps.store);
  const first = loadRules(config.rules);
  if (first.problems.length > 0) throw new ConfigError(first.problems);
  const evalDeps = { latenessMs: config.lateness };
  // In a fleet, states come with the partitions (onAssigned): the local ones may be another replica's now.
  const restore = deps.handoff ? [] : alertStore.load();
  const engine = new Engine({
    clock,
    latenessMs: config.lateness,
    restore,
    inventory: deps.handoff ? {} : alertStore.loadInventory(),
    trackInventory: !!deps.handoff,
  });
  const initial = engine.setRules(compileRules(first.rules, evalDeps));
  m.rules.set(first.rules.length);
  log.info(
    { rules: first.rules.length, files: first.files.length, restored: restore.length },
    'rules loaded',
  );
  // Valid, and most likely a wrong path: an alerter without rules pages nobody, whatever happens.
  if (first.rules.length === 0)
    log.warn({ paths: config.rules }, 'no rules loaded: nothing will page (check alerter.rules)');
  const serial = new SerialQueue();
  const handoff = deps.handoff && new HandoffBuffer(deps.handoff, engine);
  const lastLines = new LastLines();
  const delivery = new TransitionDelivery(
    {
      engine,
      alertStore,
      clock,
      log,
      historyLimit: config.history_limit,
      onTransitions: (t) => deps.onTransitions(lastLines.attach(t)),
      intake: deps.intakeInStore && {
        tx: (fn) => deps.store.tx(fn),
        take: (t) => deps.intakeInStore!(lastLines.attach(t)),
      },
      handoff,
      writeAhead: writeAheadOf(deps, engine, log),
    },
    initial,
  );
  const inventory = new InventorySaver(engine, alertStore, clock);
  const ticker = new Ticker({ engine, serial, delivery, inventory, handoff, log });
  const reloader = new RuleReloader(config.rules, evalDeps, engine, delivery, log);
  const eventLag = new EventLag();
  return { engine, serial, delivery, inventory, handoff, ticker, reloader, lastLines, eventLag };
}

/** A fleet's write ahead of notify (runner/write-ahead.ts), for every rule kind. */
function writeAheadOf(deps: AlerterDeps, engine: Engine, log: Logger): WriteAhead | undefined {
  const handoff = deps.handoff;
  if (!handoff?.writeAhead) return undefined;
  return new WriteAhead({ engine, log, write: (states, t) => handoff.writeAhead!(states, t) });
}

function subscribe(deps: AlerterDeps, parts: Parts): Subscription[] {
  const ctl: HandoffControl = {
    exclusive: (fn) => parts.serial.run(() => fn(parts.engine)),
    flush: async () => parts.handoff?.flush(),
  };
  return TOPICS.map((topic, i) =>
    deps.bus.subscribe(
      topic,
      `alerter`,
      (events) => parts.serial.run(() => ingest(parts, topic, events)),
      // Partitions are co-assigned across topics: hooks on one subscription cover them all.
      deps.handoff && i === 0 ? deps.handoff.subscribeOptions(ctl) : undefined,
    ),
  );
}

async function ingest(parts: Parts, topic: Topic, events: readonly LookoutEvent[]): Promise<void> {
  const { engine, delivery, handoff } = parts;
  m.events.inc({ topic }, events.length);
  parts.lastLines.observe(events);
  parts.eventLag.observe(events, engine.now());
  const late = engine.counters.late;
  const t = engine.ingest(events);
  if (engine.counters.late > late) m.late.inc(engine.counters.late - late);
  await delivery.deliver(t);
  if (!handoff) return;
  // Rejecting keeps the batch's offsets uncommitted: it is fetched and evaluated again.
  if (delivery.pending > 0)
    throw new LookoutError('transitions not in the outbox yet; the batch stays uncommitted', {
      retriable: true,
    });
  await handoff.flush();
}
