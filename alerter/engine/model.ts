/**
 * The shapes the engine and its rule runtimes share with the store and a fleet's hand-off,
 * apart from both so that neither imports the other.
 */
import type { GroupRef } from './evaluator';
import type { InstanceState } from './state';

/** What the state store keeps of one alert instance (see persist.ts). */
export interface PersistedAlert extends InstanceState {
  key: string;
  rule: string;
  groupLabels: Record<string, string>;
  /** The bus partition key of the group's events (service, else host), for a fleet's hand-off. */
  routingKey?: string;
}

export interface Group extends GroupRef<unknown> {
  alert: InstanceState;
  /** False once its rule has forgotten it: a shortcut to it (series.ts) no longer counts. */
  live: boolean;
  dedup: string;
  /** Restored after a restart: the condition cannot clear before the windows have refilled. */
  holdUntil?: number;
  /**
   * The bus partition key of the events that drive this group (their service, else host): a
   * fleet's alerter files the group's state under the partition those events arrive on.
   */
  route?: string;
}

/** An absence rule's inventory entry (a group it expects to hear from), as a fleet hands it off. */
export interface InventoryRef {
  key: string;
  rule: string;
  groupLabels: Record<string, string>;
  routingKey: string;
}
