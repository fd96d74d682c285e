import fs from 'node:fs';
import path from 'node:path';
import type { Bus, SubscribeOptions, Subscription } from '../core/bus/bus';
import type { Clock } from '../core/clock';
import { formatProblem, type ConfigProblem, ConfigError, LookoutError } from '../core/errors';
import { TOPICS } from '../core/events';
import type { Logger } from '../core/logger';
import type { StateStore } from '../core/store/store';
import type { AlerterConfig } from './config';
import { Engine, type PersistedAlert } from './engine/engine';
import { alerterMetrics as m } from './engine/metrics';
import type { InventoryRef } from './engine/runtime';
import { AlertStore } from './engine/persist';
import { compileRules } from './rules/compile';
import { loadRules } from './rules/load';
import type { AlertTransition } from './types';

export { checkRules } from './rules/check';
export { testRules, formatTestReport, type TestReport } from './rules/testing';
export { explain, type ExplainOptions } from './rules/explain';
export { ruleJsonSchema } from './rules/write-schema';
export { alerterConfigSchema, type AlerterConfig } from './config';

export interface AlerterDeps {
  bus: Bus;
  store: StateStore;
  clock: Clock;
  logger: Logger;
  config: AlerterConfig;
  /** Awaited: notify persists the transitions to its outbox. A rejection is retried on the next tick. */
  onTransitions(transitions: AlertTransition[]): Promise<void>;
  /**
   * A fleet's hand-off of alert states between replicas (alerter/kafka: createKafkaHandoff).
   * With it, the alert states come from the hand-off, not from this replica's store (which may
   * hold groups another replica owns now), and an event batch resolves (its offsets may be
   * committed) only once its transitions are in the outbox and its states are handed off.
   */
  handoff?: AlerterHandoff;
}

/** The engine to oneself, between event batches and tick slices. */
export interface HandoffControl {
  exclusive<T>(fn: (engine: Engine) => T | Promise<T>): Promise<T>;
}

/** What a hand-off makes durable after a batch or a tick. */
export interface HandoffBatch {
  /** Alert states that changed, once the transitions that changed them are in the outbox. */
  changed: PersistedAlert[];
  transitions: AlertTransition[];
  /** Absence inventory entries made and forgotten. */
  inventory: { add: InventoryRef[]; remove: InventoryRef[] };
}

export interface AlerterHandoff {
  /** Options (partition hooks) for one of the alerter's subscriptions: the bus gates every topic's partition on them. */
  subscribeOptions(ctl: HandoffControl): SubscribeOptions;
  /** Resolves once the batch is durable; a rejection is retried (merged) with the next batch. */
  publish(batch: HandoffBatch): Promise<void>;
}

export interface ReloadResult {
  ok: boolean;
  rules: number;
  problems: ConfigProblem[];
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
  const { bus, clock, config } = deps;
  const log = deps.logger.child({ component: 'alerter' });
  const alertStore = new AlertStore(deps.store);
  const first = loadRules(config.rules);
  if (first.problems.length > 0) throw new ConfigError(first.problems);
  const evalDeps = { latenessMs: config.lateness };
  const handoff = deps.handoff;
  // In a fleet, states come with the partitions (onAssigned): the local ones may be another replica's now.
  const restore = handoff ? [] : alertStore.load();
  const engine = new Engine({
    clock,
    latenessMs: config.lateness,
    restore,
    inventory: handoff ? {} : alertStore.loadInventory(),
    trackInventory: !!handoff,
  });
  let undelivered: AlertTransition[] = engine.setRules(compileRules(first.rules, evalDeps));
  m.rules.set(first.rules.length);
  log.info(
    { rules: first.rules.length, files: first.files.length, restored: restore.length },
    'rules loaded',
  );

  // One thing at a time: events, ticks and reloads all touch the engine and the store.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const p = chain.then(fn);
    chain = p.catch(() => undefined);
    return p;
  };

  let lastInventory = '';
  let inventoryAt = 0;
  const deliver = async (fresh: AlertTransition[]): Promise<void> => {
    if (fresh.length > 0) undelivered.push(...fresh);
    if (undelivered.length === 0) return;
    const batch = undelivered;
    try {
      await deps.onTransitions(batch);
    } catch (err) {
      m.deliveryFailures.inc();
      m.undelivered.set(batch.length);
      log.error({ err, transitions: batch.length }, 'onTransitions failed; retrying on the next tick');
      return;
    }
    undelivered = [];
    m.undelivered.set(0);
    for (const t of batch) m.transitions.inc({ to: t.to });
    const changed = engine.takeChanged();
    alertStore.save(changed, batch, clock.now(), config.history_limit);
    if (handoff) {
      toHand.changed.push(...changed);
      toHand.transitions.push(...batch);
    }
  };

  // States delivered to the outbox (and absence inventory news) not yet handed off: kept until the hand-off takes them.
  const nothing = (): HandoffBatch => ({ changed: [], transitions: [], inventory: { add: [], remove: [] } });
  let toHand = nothing();
  const handOff = async (): Promise<void> => {
    if (!handoff) return;
    const inv = engine.takeInventory();
    toHand.inventory.add.push(...inv.add);
    toHand.inventory.remove.push(...inv.remove);
    const b = toHand;
    if (b.changed.length + b.transitions.length + b.inventory.add.length + b.inventory.remove.length === 0)
      return;
    await handoff.publish(b);
    toHand = nothing();
  };

  const saveInventory = (): void => {
    const now = clock.now();
    if (now - inventoryAt < 10_000) return;
    inventoryAt = now;
    const inv = engine.inventory();
    const text = JSON.stringify(inv);
    if (text === lastInventory) return;
    lastInventory = text;
    alertStore.saveInventory(inv);
  };

  const ctl: HandoffControl = { exclusive: (fn) => serial(() => fn(engine)) };
  const subs: Subscription[] = TOPICS.map((topic, i) =>
    bus.subscribe(
      topic,
      `alerter`,
      (events) =>
        serial(async () => {
          m.events.inc({ topic }, events.length);
          const late = engine.counters.late;
          const t = engine.ingest(events);
          if (engine.counters.late > late) m.late.inc(engine.counters.late - late);
          await deliver(t);
          if (!handoff) return;
          // Rejecting keeps the batch's offsets uncommitted: it is fetched and evaluated again.
          if (undelivered.length > 0)
            throw new LookoutError('transitions not in the outbox yet; the batch stays uncommitted', {
              retriable: true,
            });
          await handOff();
        }),
      // Partitions are co-assigned across topics: hooks on one subscription cover them all.
      handoff && i === 0 ? handoff.subscribeOptions(ctl) : undefined,
    ),
  );

  /**
   * A tick in slices of about 50 rules, each its own turn on the serial chain, so event batches
   * that arrive meanwhile are evaluated between slices instead of after the whole tick.
   */
  let ticking: Promise<void> | undefined;
  const tick = (): Promise<void> => {
    // A tick slower than eval_interval is not stacked on by the next one.
    ticking ??= tickOnce().finally(() => (ticking = undefined));
    return ticking;
  };
  const tickOnce = async (): Promise<void> => {
    const slices = Math.max(1, Math.ceil(engine.rules().length / 50));
    const end = m.tickSeconds.startTimer();
    for (let s = 0; s < slices; s++) {
      await serial(() => deliver(engine.tickSlice(s, slices)));
      if (s + 1 < slices) await new Promise((r) => setImmediate(r));
    }
    end();
    await serial(async () => {
      m.groups.set(engine.groupCount());
      saveInventory();
      await handOff().catch((err: unknown) =>
        log.warn({ err }, 'alert states not handed off; retrying with the next batch'),
      );
    });
  };

  const reload = (): Promise<ReloadResult> =>
    serial(async () => {
      const r = loadRules(config.rules);
      if (r.problems.length > 0) {
        m.reloads.inc({ result: 'rejected' });
        log.error(
          { problems: r.problems.map(formatProblem) },
          'rules not reloaded: keeping the last good rules',
        );
        return { ok: false, rules: engine.rules().length, problems: r.problems };
      }
      const t = engine.setRules(compileRules(r.rules, evalDeps));
      m.reloads.inc({ result: 'ok' });
      m.rules.set(r.rules.length);
      log.info({ rules: r.rules.length }, 'rules reloaded');
      await deliver(t);
      return { ok: true, rules: r.rules.length, problems: [] };
    });

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
    idle: () => serial(() => undefined),
    engine,
    async stop() {
      clearInterval(timer);
      unwatch();
      process.off('SIGHUP', onHup);
      await Promise.all(subs.map((s) => s.unsubscribe()));
      await serial(async () => {
        inventoryAt = 0;
        saveInventory();
        await handOff().catch((err: unknown) => log.warn({ err }, 'alert states not handed off at stop'));
      });
    },
  };
}

/** fs.watch on each rules folder (a file's parent), debounced: editors write in bursts. */
function watchRules(
  paths: readonly string[],
  debounceMs: number,
  onChange: () => void,
  log: Logger,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  const out: fs.FSWatcher[] = [];
  for (const p of paths) {
    let dir = p;
    try {
      if (!fs.statSync(p).isDirectory()) dir = path.dirname(p);
      const w = fs.watch(dir, (_event, name) => {
        if (!name || /\.ya?ml$/.test(name.toString())) fire();
      });
      w.on('error', (err) => log.warn({ err, dir }, 'rule folder watch failed'));
      out.push(w);
    } catch (err) {
      log.warn({ err, dir }, 'cannot watch rules; SIGHUP still reloads');
    }
  }
  return () => {
    clearTimeout(timer);
    for (const w of out) w.close();
  };
}
