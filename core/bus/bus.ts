import type { EventOf, Topic } from '../events';

/** What a subscriber does with a batch. Resolving means "done with it" (shipped, spooled or evaluated). */
export type BatchHandler<K extends Topic> = (events: EventOf<K>[]) => Promise<void>;

export interface SubscribeOptions {
  /** Events this subscriber may have queued before publishers wait. */
  maxQueuedEvents?: number;
  /**
   * Batches handed to the handler at once (default 1: one after the other). Started in order,
   * they may finish out of order. A bus that cannot do this (Kafka) treats it as 1.
   */
  concurrency?: number;
}

export interface Subscription {
  readonly name: string;
  /** Events queued and not yet handled. */
  depth(): number;
  unsubscribe(): Promise<void>;
}

/**
 * The one seam between collector and alerter. `publish` resolves once every subscriber has
 * room for the batch (backpressure: a slow subscriber slows the publisher); the returned
 * `done` resolves when every subscriber has handled it (end-to-end acknowledgement, which the
 * log tailer waits for before it checkpoints).
 */
export interface Bus {
  publish<K extends Topic>(topic: K, events: EventOf<K>[]): Promise<{ done: Promise<void> }>;
  subscribe<K extends Topic>(
    topic: K,
    name: string,
    handler: BatchHandler<K>,
    opts?: SubscribeOptions,
  ): Subscription;
  close(): Promise<void>;
}
