import type { EventOf, Topic } from '../events';
import type { BatchHandler, Bus, SubscribeOptions, Subscription } from './bus';

interface Pending {
  events: unknown[];
  resolve(): void;
  reject(err: unknown): void;
}

const DEFAULT_MAX_QUEUED = 50_000;

/**
 * One subscriber: a bounded FIFO of batches, handed to the handler in order, one at a time
 * unless the subscriber asked for more (delivery does: several bulk requests in flight). With
 * more than one, batches may finish out of order; the log tailer applies its acks in order.
 */
class MemorySubscription implements Subscription {
  private readonly queue: Pending[] = [];
  private queued = 0;
  private running = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    private readonly handler: (events: unknown[]) => Promise<void>,
    private readonly maxQueued: number,
    private readonly concurrency: number,
    private readonly onClose: () => void,
  ) {}

  depth(): number {
    return this.queued;
  }

  /** Waits until this subscriber has room. A batch larger than the bound is admitted into an empty queue. */
  async room(size: number): Promise<void> {
    while (!this.closed && this.queued > 0 && this.queued + size > this.maxQueued) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  enqueue(events: unknown[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queued += events.length;
      this.drain();
    });
  }

  /** Starts handlers for queued batches, in order, while fewer than `concurrency` run. */
  private drain(): void {
    while (this.running < this.concurrency) {
      const item = this.queue.shift();
      if (item === undefined) return;
      this.running++;
      void this.handle(item);
    }
  }

  private async handle(item: Pending): Promise<void> {
    try {
      await this.handler(item.events);
      item.resolve();
    } catch (err) {
      item.reject(err);
    } finally {
      this.queued -= item.events.length;
      this.running--;
      this.wake();
      this.drain();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  async unsubscribe(): Promise<void> {
    this.closed = true;
    this.wake();
    this.onClose();
    // Let what is queued finish: its publishers are waiting for the acknowledgement.
    while (this.running > 0 || this.queue.length > 0) await new Promise((r) => setImmediate(r));
  }
}

/** The in-process bus of `lookout run`. */
export class MemoryBus implements Bus {
  private readonly subs = new Map<Topic, Set<MemorySubscription>>();

  async publish<K extends Topic>(topic: K, events: EventOf<K>[]): Promise<{ done: Promise<void> }> {
    const subs = [...(this.subs.get(topic) ?? [])];
    if (subs.length === 0 || events.length === 0) return { done: Promise.resolve() };
    for (const s of subs) await s.room(events.length);
    const done = Promise.all(subs.map((s) => s.enqueue(events))).then(() => undefined);
    // The publisher may not await `done` (metrics need no ack); never let that become an unhandled rejection.
    done.catch(() => undefined);
    return { done };
  }

  subscribe<K extends Topic>(
    topic: K,
    name: string,
    handler: BatchHandler<K>,
    opts: SubscribeOptions = {},
  ): Subscription {
    let set = this.subs.get(topic);
    if (!set) this.subs.set(topic, (set = new Set()));
    const sub: MemorySubscription = new MemorySubscription(
      name,
      handler as (events: unknown[]) => Promise<void>,
      opts.maxQueuedEvents ?? DEFAULT_MAX_QUEUED,
      opts.concurrency ?? 1,
      () => set.delete(sub),
    );
    set.add(sub);
    return sub;
  }

  /** Queue depth per subscriber, for /metrics. */
  depths(): Array<{ topic: Topic; subscriber: string; depth: number }> {
    const out: Array<{ topic: Topic; subscriber: string; depth: number }> = [];
    for (const [topic, set] of this.subs)
      for (const s of set) out.push({ topic, subscriber: s.name, depth: s.depth() });
    return out;
  }

  async close(): Promise<void> {
    const all = [...this.subs.values()].flatMap((s) => [...s]);
    await Promise.all(all.map((s) => s.unsubscribe()));
  }
}
