/**
 * The contract between the alerter and a fleet's hand-off of alert states (alerter/kafka
 * implements it). Its own module so the runner parts that buffer hand-off batches need not import
 * the alerter that assembles them.
 */
import type { SubscribeOptions } from '../core/bus/bus';
import type { Engine, PersistedAlert } from './engine/engine';
import type { InventoryRef } from './engine/model';
import type { Alert, AlertTransition } from './types';

/** The engine to oneself, between event batches and tick slices. */
export interface HandoffControl {
  exclusive<T>(fn: (engine: Engine) => T | Promise<T>): Promise<T>;
  /** Hands off the states delivered but not written yet; call it inside `exclusive`. */
  flush?(): Promise<void>;
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
  /** Whether this replica owns a routing key's partition now: it polls only its Graphite rules. */
  owns?(routingKey: string): boolean;
  /** Graphite rules' blind meta-alerts taken over with their partitions, each handed once. */
  takeBlinds?(): Alert[];
  /**
   * Writes the states firings lead to before notify hears of them (alerter/runner/write-ahead.ts):
   * the engine's `states`, and those of alerts it does not hold (Graphite blind meta-alerts) from
   * their `transitions`.
   */
  writeAhead?(states: PersistedAlert[], transitions: AlertTransition[]): Promise<void>;
}
