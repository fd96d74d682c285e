import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { sleep } from '../../clock';
import type { Sub } from './consumer-types';
import type { LookoutEvent } from '../../events';
import type { Logger } from '../../logger';
import { backoffDelay } from '../../retry';
import { coPartitionAssigner } from './assigner';
import { decodeEventsInto } from './codec';
import type { KafkaBusConfig } from './config';
import { GroupMembership, watchMembership } from './membership';
import { kafkaMetrics as m } from './metrics';
import type { TopicNames } from './topics';

export type { AssignmentHooks, BatchContext, KafkaBatchHandler } from './consumer-types';

/**
 * One kafkajs consumer per subscriber name (= consumer group). Every topic subscribed under the
 * name shares it, so the co-partitioning assigner can hand partition p of all of them to one
 * replica. Batches are handled one at a time; an offset is committed only after the handler
 * resolved, so a crash repeats at most the batches in flight (at-least-once).
 */
export class GroupConsumer {
  private readonly subs = new Map<string, Sub>();
  private consumer?: Consumer;
  private current = new Map<string, Set<number>>();
  private readonly gates = new Map<number, Promise<void>>();
  private hookChain: Promise<void> = Promise.resolve();
  private restartChain: Promise<void> = Promise.resolve();
  private restartPending = false;
  private closed = false;
  private readonly closing = new AbortController();
  private readonly log: Logger;
  /** In the group and holding partitions? For the `bus` check on /healthz (membership.ts). */
  readonly membership: GroupMembership;

  constructor(
    private readonly kafka: Kafka,
    readonly groupId: string,
    private readonly names: TopicNames,
    private readonly config: KafkaBusConfig & { from_beginning?: boolean },
    logger: Logger,
    private readonly ready: () => Promise<void>,
    partitions: () => number = () => config.partitions,
  ) {
    this.log = logger.child({ component: 'kafka-consumer', group: groupId });
    this.membership = new GroupMembership(groupId, config, partitions);
  }

  add(sub: Omit<Sub, 'inFlight'>): Sub {
    const s = { ...sub, inFlight: 0 };
    this.subs.set(sub.kafkaTopic, s);
    this.scheduleRestart();
    return s;
  }

  remove(kafkaTopic: string): Promise<void> {
    this.subs.delete(kafkaTopic);
    this.scheduleRestart();
    return this.restartChain;
  }

  get size(): number {
    return this.subs.size;
  }

  /** Subscriptions arrive one by one at start: restart once for all of them, on the next tick. */
  private scheduleRestart(): void {
    if (this.restartPending) return;
    this.restartPending = true;
    this.restartChain = this.restartChain.then(async () => {
      await new Promise((r) => setImmediate(r));
      this.restartPending = false;
      await this.restart();
    });
  }

  private async restart(): Promise<void> {
    await this.stopConsumer();
    for (let attempt = 0; !this.closed && this.subs.size > 0 && !this.restartPending; attempt++) {
      try {
        await this.ready();
        this.consumer = await this.startConsumer();
        return;
      } catch (err) {
        await this.stopConsumer();
        this.membership.failed((err as Error).message);
        const delay = backoffDelay(
          { initialMs: 500, maxMs: 10_000, factor: 2, maxAttempts: Infinity, jitter: 0.3 },
          attempt,
        );
        this.log.warn({ err: (err as Error).message, delayMs: delay }, 'cannot start the consumer, retrying');
        await sleep(delay, this.closing.signal).catch(() => undefined);
      }
    }
  }

  private async startConsumer(): Promise<Consumer> {
    const c = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.config.session_timeout,
      heartbeatInterval: this.config.heartbeat_interval,
      rebalanceTimeout: this.config.rebalance_timeout,
      partitionAssigners: [coPartitionAssigner],
      maxWaitTimeInMs: 1_000,
      allowAutoTopicCreation: false,
      // Handler failures and broker outages are retried for as long as it takes, never skipped.
      retry: {
        retries: 10,
        initialRetryTime: 300,
        maxRetryTime: 30_000,
        restartOnFailure: () => Promise.resolve(!this.closed),
      },
    });
    watchMembership(c, this.membership);
    c.on(c.events.GROUP_JOIN, (e) => this.onJoin(e.payload.memberAssignment));
    c.on(c.events.COMMIT_OFFSETS, (e) => {
      m.commits.inc({ group: this.groupId });
      for (const t of e.payload.topics) {
        const sub = this.subs.get(t.topic);
        for (const p of t.partitions)
          sub?.onCommitted?.({ topic: sub.topic, partition: Number(p.partition), offset: p.offset });
      }
    });
    c.on(c.events.CRASH, (e) => {
      this.log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart && !this.closed) this.scheduleRestart();
    });
    try {
      await c.connect();
      for (const topic of this.subs.keys())
        await c.subscribe({ topic, fromBeginning: this.config.from_beginning ?? false });
      await c.run({
        eachBatchAutoResolve: false,
        autoCommit: true,
        partitionsConsumedConcurrently: 1,
        eachBatch: (p) => this.eachBatch(p),
      });
      return c;
    } catch (err) {
      await c.disconnect().catch(() => undefined);
      throw err;
    }
  }

  private async stopConsumer(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    if (c) {
      this.membership.left();
      try {
        await c.disconnect();
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'consumer did not disconnect cleanly');
      }
    }
    this.onJoin({});
    await this.hookChain;
  }

  /** Diffs the new assignment against the last one and runs the hooks: revoked first, then assigned. */
  private onJoin(assignment: Record<string, number[]>): void {
    const next = new Map(Object.entries(assignment).map(([t, ps]) => [t, new Set(ps)]));
    const topics = new Set([...this.current.keys(), ...next.keys()]);
    m.assigned.set(
      { group: this.groupId },
      [...next.values()].reduce((n, s) => n + s.size, 0),
    );
    if (Object.keys(assignment).length > 0) m.rebalances.inc({ group: this.groupId });
    for (const kt of topics) {
      const before = this.current.get(kt) ?? new Set<number>();
      const after = next.get(kt) ?? new Set<number>();
      const revoked = [...before].filter((p) => !after.has(p)).sort((a, b) => a - b);
      const assigned = [...after].filter((p) => !before.has(p)).sort((a, b) => a - b);
      const sub = this.subs.get(kt);
      const topic = this.names.byKafka.get(kt);
      if (!topic) continue;
      if (revoked.length > 0 && sub?.onRevoked)
        this.hookChain = this.hookChain.then(() =>
          this.runHook(
            'onRevoked',
            () => sub.onRevoked!(revoked, topic),
            (attempt) => attempt < 3 && !this.closed,
          ),
        );
      if (assigned.length > 0) {
        if (sub?.onAssigned)
          this.hookChain = this.hookChain.then(() =>
            this.runHook(
              'onAssigned',
              () => sub.onAssigned!(assigned, topic),
              () => this.owns(kt, assigned),
            ),
          );
        const gate = this.hookChain;
        // Gate partition p of every topic of the group: states are per partition number (co-partitioned),
        // so hooks on one subscription (say `log`) are enough to hold back `metric` batches too.
        for (const p of assigned) this.gates.set(p, gate);
      }
    }
    this.current = next;
  }

  private owns(kafkaTopic: string, partitions: number[]): boolean {
    const cur = this.current.get(kafkaTopic);
    return !this.closed && partitions.some((p) => cur?.has(p));
  }

  private async runHook(
    name: string,
    fn: () => Promise<void> | void,
    still: (attempt: number) => boolean,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fn();
        return;
      } catch (err) {
        if (!still(attempt)) return;
        const delay = backoffDelay(
          { initialMs: 500, maxMs: 10_000, factor: 2, maxAttempts: Infinity, jitter: 0.3 },
          attempt,
        );
        this.log.error({ err, hook: name, delayMs: delay }, 'partition hook failed, retrying');
        await sleep(delay);
      }
    }
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const sub = this.subs.get(batch.topic);
    if (!sub) return;
    // A long restore or handler must not cost us the group: keep heartbeating while we wait.
    const ticker = setInterval(
      () => void payload.heartbeat().catch(() => undefined),
      this.config.heartbeat_interval,
    );
    try {
      await this.gates.get(batch.partition);
      const events: LookoutEvent[] = [];
      let undecodable = 0;
      for (const msg of batch.messages) undecodable += decodeEventsInto(sub.topic, msg.value, events);
      if (undecodable > 0) m.undecodable.inc({ topic: sub.topic }, undecodable);
      if (events.length > 0) {
        sub.inFlight += events.length;
        try {
          await sub.handler(events, {
            topic: sub.topic,
            partition: batch.partition,
            firstOffset: batch.firstOffset() ?? '',
            lastOffset: batch.lastOffset(),
          });
        } finally {
          sub.inFlight -= events.length;
        }
        m.consumed.inc({ group: this.groupId, topic: sub.topic }, events.length);
      }
    } catch (err) {
      m.handlerErrors.inc({ group: this.groupId });
      this.log.error(
        { err, topic: sub.topic, partition: batch.partition },
        'batch handler failed; the batch will be fetched again',
      );
      throw err;
    } finally {
      clearInterval(ticker);
    }
    m.lag.set(
      { group: this.groupId, topic: sub.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
    if (!payload.isRunning() || payload.isStale()) return;
    payload.resolveOffset(batch.lastOffset());
    await payload.commitOffsetsIfNecessary();
  }

  depth(kafkaTopic: string): number {
    return this.subs.get(kafkaTopic)?.inFlight ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    await this.restartChain;
    await this.stopConsumer();
  }
}
