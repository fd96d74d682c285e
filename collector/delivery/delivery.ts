import path from 'node:path';
import os from 'node:os';
import type { Bus, Subscription } from '../../core/bus/bus';
import type { Clock } from '../../core/clock';
import { TOPICS } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import type { DeadLetter, Sink } from '../sinks/sink';
import type { DeliveryConfig } from './config';
import { FileDeadLetter } from './dead-letter';
import { SinkRunner, type SinkState } from './runner';
import { Spool } from './spool';
import { watchSpoolAge } from './spool-age';

export interface DeliveryDeps {
  sinks: Sink[];
  bus: Bus;
  store: StateStore;
  logger: Logger;
  clock: Clock;
  config: DeliveryConfig;
  /** The one the sinks were built with (see createDeadLetter); made here when absent. */
  deadLetter?: DeadLetter;
}

export interface Delivery {
  /** Per sink: what is in memory and in the spool. */
  state(): SinkState[];
  /** Stops taking events, writes or spools what is queued, closes the sinks. The store stays open. */
  close(): Promise<void>;
}

/** The dead-letter files: `delivery.dead_letter_dir`, else `dead-letter/` beside the state store. */
export function createDeadLetter(config: DeliveryConfig, store: StateStore, logger: Logger): FileDeadLetter {
  const dir =
    config.dead_letter_dir ??
    (store.file === ':memory:'
      ? path.join(os.tmpdir(), 'lookout-dead-letter')
      : path.join(path.dirname(store.file), 'dead-letter'));
  return new FileDeadLetter(dir, logger.child({ component: 'dead-letter' }));
}

/**
 * Subscribes to every bus topic some sink accepts. A batch's handler resolves only when every
 * sink that takes it has it delivered or durably spooled, so the bus's `done` (and with it the
 * log tailer's checkpoint) never runs ahead of the backends.
 */
export function createDelivery(deps: DeliveryDeps): Delivery {
  const log = deps.logger.child({ component: 'delivery' });
  const deadLetter = deps.deadLetter ?? createDeadLetter(deps.config, deps.store, deps.logger);
  const unwatch: Array<() => void> = [];
  const runners = deps.sinks.map((sink) => {
    const spool = new Spool(deps.store, sink.name);
    unwatch.push(watchSpoolAge(spool, () => deps.clock.now()));
    return new SinkRunner(sink, {
      spool,
      logger: log.child({ sink: sink.name }),
      clock: deps.clock,
      deadLetter,
      config: deps.config,
    });
  });
  for (const r of runners) r.start();
  const subs: Subscription[] = [];
  for (const topic of TOPICS) {
    const mine = runners.filter((r) => r.sink.accepts.has(topic));
    if (mine.length === 0) continue;
    subs.push(
      deps.bus.subscribe(
        topic,
        'delivery',
        async (events) => {
          await Promise.all(mine.map((r) => r.accept(events)));
        },
        // As many batches as the most concurrent of these sinks can have written at once.
        { concurrency: Math.max(...mine.map((r) => r.maxInFlight)) },
      ),
    );
  }
  log.info({ sinks: runners.map((r) => r.sink.name) }, 'delivery started');
  return {
    state: () => runners.map((r) => r.state()),
    async close() {
      unwatch.forEach((u) => u());
      await Promise.all([...subs.map((s) => s.unsubscribe()), ...runners.map((r) => r.close())]);
    },
  };
}
