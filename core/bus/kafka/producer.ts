import {
  CompressionTypes,
  Partitioners,
  type Kafka,
  type Message,
  type Producer,
  type TopicMessages,
} from 'kafkajs';
import { sleep } from '../../clock';
import { LookoutError, PermanentDeliveryError, TransientDeliveryError } from '../../errors';
import type { Logger } from '../../logger';
import { backoffDelay } from '../../retry';
import type { KafkaBusConfig } from './config';
import { kafkaMetrics as m } from './metrics';

interface Item {
  topic: string;
  messages: Message[];
  /** Events in `messages` (a message packs several, see pack.ts): what the buffer and batch limits count. */
  events: number;
  resolve(): void;
  reject(err: unknown): void;
}

/** A protocol error Kafka will repeat however often we ask (authorisation, a message too large...). */
export function isPermanentKafkaError(err: unknown): boolean {
  for (
    let e = err as { name?: string; retriable?: boolean; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  ) {
    if (e.name === 'KafkaJSProtocolError' && e.retriable === false) return true;
  }
  return false;
}

/**
 * The collector side: events are queued (publish resolves once there is room), then sent in
 * batches by ONE loop, so at most one produce request is in flight. With the idempotent
 * producer that keeps every key in order through retries: kafkajs assigns sequence numbers
 * per send, and two sends retried in parallel could overtake each other.
 */
export class BatchingProducer {
  private readonly producer: Producer;
  private readonly queue: Item[] = [];
  private buffered = 0;
  private roomWaiters: Array<() => void> = [];
  private flushing?: Promise<void>;
  private lingerTimer?: NodeJS.Timeout;
  private connected = false;
  private closed = false;
  private readonly log: Logger;

  constructor(
    kafka: Kafka,
    private readonly config: KafkaBusConfig,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'kafka-producer' });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  depth(): number {
    return this.buffered;
  }

  /** Queues messages holding `events` events for one Kafka topic; waits while the buffer is full. `done` settles when Kafka acknowledged them. */
  async publish(topic: string, messages: Message[], events: number): Promise<{ done: Promise<void> }> {
    if (this.closed) throw new LookoutError('the Kafka bus is closed');
    while (!this.closed && this.buffered > 0 && this.buffered + events > this.config.max_buffered_events) {
      await new Promise<void>((r) => this.roomWaiters.push(r));
    }
    if (this.closed) throw new LookoutError('the Kafka bus is closed');
    const done = new Promise<void>((resolve, reject) =>
      this.queue.push({ topic, messages, events, resolve, reject }),
    );
    done.catch(() => undefined); // a publisher that ignores `done` (metrics) must not crash the process
    this.buffered += events;
    m.buffered.set(this.buffered);
    m.published.inc({ topic }, events);
    this.schedule();
    return { done };
  }

  private schedule(): void {
    if (this.flushing) return;
    if (this.buffered >= this.config.batch_max_events || this.closed) {
      this.startFlush();
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => this.startFlush(), this.config.linger);
    }
  }

  private startFlush(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const items: Item[] = [];
      let count = 0;
      while (
        this.queue.length > 0 &&
        (items.length === 0 || count + this.queue[0]!.events <= this.config.batch_max_events)
      ) {
        const it = this.queue.shift()!;
        items.push(it);
        count += it.events;
      }
      try {
        await this.send(items);
        for (const it of items) {
          it.resolve();
          m.acked.inc({ topic: it.topic }, it.events);
        }
      } catch (err) {
        // Fail what follows too: it would otherwise overtake these events when the caller re-sends them.
        const failed = [...items, ...this.queue.splice(0)];
        this.log.error(
          { err, events: failed.reduce((n, it) => n + it.events, 0) },
          'Kafka did not take the events; their done() rejects',
        );
        for (const it of failed) {
          it.reject(err);
          m.failed.inc({ topic: it.topic }, it.events);
        }
        this.release(failed);
        return;
      }
      this.release(items);
    }
  }

  private release(items: Item[]): void {
    this.buffered -= items.reduce((n, it) => n + it.events, 0);
    m.buffered.set(this.buffered);
    const w = this.roomWaiters;
    this.roomWaiters = [];
    for (const r of w) r();
  }

  /** One produce, retried until `delivery_timeout`: a broker restart must cost latency, not events. */
  private async send(items: Item[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const it of items) {
      const list = byTopic.get(it.topic);
      if (list) list.push(...it.messages);
      else byTopic.set(it.topic, [...it.messages]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const compression = this.config.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    const deadline = Date.now() + this.config.delivery_timeout;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.connected) {
          await this.producer.connect();
          this.connected = true;
        }
        await this.producer.sendBatch({
          topicMessages,
          acks: -1,
          timeout: this.config.request_timeout,
          compression,
        });
        return;
      } catch (err) {
        if (isPermanentKafkaError(err))
          throw new PermanentDeliveryError(`Kafka refused the events: ${(err as Error).message}`, err);
        const delay = backoffDelay(
          { initialMs: 250, maxMs: 5_000, factor: 2, maxAttempts: Infinity, jitter: 0.3 },
          attempt,
        );
        if (Date.now() + delay > deadline)
          throw new TransientDeliveryError(
            `Kafka unreachable for ${this.config.delivery_timeout} ms: ${(err as Error).message}`,
            err,
          );
        m.sendRetries.inc();
        this.log.warn({ err: (err as Error).message, attempt, delayMs: delay }, 'produce failed, retrying');
        await sleep(delay);
      }
    }
  }

  /** Sends what is queued (within the delivery timeout), then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.roomWaiters;
    this.roomWaiters = [];
    for (const r of w) r();
    this.startFlush();
    while (this.flushing) await this.flushing;
    if (this.connected) await this.producer.disconnect();
  }
}
