/** What a group consumer's subscribers hand it and are handed back. */
import type { Topic } from '../../events';

/** Where a batch came from: lets a handler file state under the partition its events live in. */
export interface BatchContext {
  topic: Topic;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

export type KafkaBatchHandler = (events: unknown[], ctx: BatchContext) => Promise<void>;

/** Per-subscription hooks; partitions are of the subscription's own topic. */
export interface AssignmentHooks {
  /**
   * Partitions this replica now owns. Batches of these partition numbers, in every topic of the
   * group, wait until the returned promise resolves: restore the alert states of their groups
   * here. Retried while it throws. Setting the hooks on one of the group's subscriptions is enough.
   */
  onAssigned?: (partitions: number[], topic: Topic) => Promise<void> | void;
  /** Partitions another replica owns from now on: drop their states (their commits are done). */
  onRevoked?: (partitions: number[], topic: Topic) => Promise<void> | void;
  /** Offsets committed (the next offset to read), for tests and lag tracking. */
  onCommitted?: (c: { topic: Topic; partition: number; offset: string }) => void;
}

export interface Sub extends AssignmentHooks {
  topic: Topic;
  kafkaTopic: string;
  handler: KafkaBatchHandler;
  inFlight: number;
}
