import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../core/logger';
import type { HandoffControl } from '../alerter';
import { HandedBlinds, isBlindState } from './blind-states';
import { PartitionFence } from './fence';
import type { AlertLedger } from './ledger';
import { handoffMetrics as m } from './metrics';
import { readLoaded, TOLD_PREFIX } from './records';
import type { KafkaHandoffOptions } from './types';

/** Routing keys are few and hashing one per group per revocation adds up. */
const PARTITION_CACHE_MAX = 100_000;
/** How long a new owner waits for the old one to release a partition (fence.ts) when it does not. */
const HANDOVER_WAIT_MS = 5_000;
/** How often it reads on meanwhile. */
const FENCE_POLL_MS = 200;

/**
 * The partition hooks: on assignment the states of those partitions are read and taken over
 * before any of their events are evaluated; on revocation their groups are forgotten. Neither
 * makes a transition: a firing alert is not paged again, and the new owner resolves it.
 * Accepted on purpose: windows do not travel (an adopted group is held for its rule's warm-up
 * while fresh events refill it); a resolve decided but not delivered when the owner dies is
 * not re-sent (only firing alerts go to notify's takeOver); a quiet host seeded at the
 * hand-off is missed `after` from the hand-off, not from its last heartbeat. A replica
 * starting forgets every alert its notify remembers (cli/alerter.ts) for the same reason
 * onReleased exists: the new owner sends those pages.
 */
export class Rebalance {
  private readonly partitionCache = new Map<string, number>();
  /** Partitions assigned and adopted, not revoked since: what this replica owns. */
  private readonly owned = new Set<number>();
  private readonly fence: PartitionFence;
  /** Graphite rules' blind meta-alerts adopted, until the poller takes them. */
  readonly blinds = new HandedBlinds();

  constructor(
    private readonly opts: KafkaHandoffOptions,
    private readonly ledger: AlertLedger,
    private readonly log: Logger,
  ) {
    this.fence = new PartitionFence(opts.stateTopic, randomUUID(), opts.replica);
  }

  partitionOf(routingKey: string): number {
    let p = this.partitionCache.get(routingKey);
    if (p === undefined) {
      p = this.opts.stateTopic.partitionOf(routingKey);
      if (this.partitionCache.size > PARTITION_CACHE_MAX) this.partitionCache.clear();
      this.partitionCache.set(routingKey, p);
    }
    return p;
  }

  owns(routingKey: string): boolean {
    return this.owned.has(this.partitionOf(routingKey));
  }

  async assigned(ctl: HandoffControl, partitions: number[]): Promise<void> {
    const { stateTopic, clock } = this.opts;
    const { states, stale, inventory, records } = readLoaded(
      await this.loadReleased(partitions),
      clock.now(),
    );
    this.ledger.adopt(states, records);
    // What is left are records of alerts whose state is gone (deleted just above, or before).
    for (const [k, r] of records) stale.push({ key: TOLD_PREFIX + k, value: null, routingKey: r.routingKey });
    const blind = states.filter(isBlindState);
    const { firing } = await ctl.exclusive((engine) => {
      engine.adoptInventory(inventory);
      return engine.adopt(states.filter((st) => !isBlindState(st)));
    });
    // Before `owned` below: the poller takes them once it polls the rule here.
    firing.push(...this.blinds.adopt(blind));
    if (firing.length > 0) await this.opts.onAdopted?.(firing.map((a) => this.ledger.adopted(a)));
    // Compaction keeps a key until it is deleted: resolved states past their use are deleted here.
    // Held from here on: a later owner waits for our release before it reads them.
    stale.push(...this.fence.entries(partitions, false));
    await stateTopic
      .putMany(stale)
      .catch((err: unknown) => this.log.warn({ err }, 'stale alert states not deleted'));
    // Owned once the states are in the engine: a Graphite rule polled from here on finds its states.
    for (const p of partitions) this.owned.add(p);
    m.adopted.inc(states.length);
    this.log.info(
      {
        partitions,
        states: states.length,
        inventory: inventory.length,
        firing: states.filter((s) => s.state === 'firing').length,
      },
      'partitions assigned: alert states adopted',
    );
    this.opts.onAssignment?.({ kind: 'assigned', partitions, states: states.length });
  }

  async revoked(ctl: HandoffControl, partitions: number[]): Promise<void> {
    const set = new Set(partitions);
    // No longer owned before the groups are released: a Graphite query still out is dropped.
    for (const p of partitions) this.owned.delete(p);
    const gone = (routingKey: string): boolean => set.has(this.partitionOf(routingKey));
    const n = await ctl.exclusive(async (engine) => {
      // States decided but not written yet (a tick's) go out before the release marker below.
      await ctl
        .flush?.()
        .catch((err: unknown) =>
          this.log.warn(
            { err },
            'alert states of revoked partitions not written: the new owner may repeat them',
          ),
        );
      return engine.release(gone);
    });
    await this.opts.stateTopic
      .putMany(this.fence.entries(partitions, true))
      .catch((err: unknown) =>
        this.log.warn({ err, partitions }, 'release not marked: the new owner waits for it a while'),
      );
    const moved = this.ledger.release(gone);
    this.blinds.release(gone);
    if (moved.length > 0)
      await Promise.resolve(this.opts.onReleased?.(moved)).catch((err: unknown) =>
        this.log.warn({ err, alerts: moved.length }, 'notify did not release the moved alerts'),
      );
    m.released.inc(n);
    this.log.info({ partitions, groups: n }, 'partitions revoked: their groups are forgotten here');
    this.opts.onAssignment?.({ kind: 'revoked', partitions, states: n });
  }

  /**
   * The partitions' states once their last holder released them (fence.ts): read on while
   * another replica holds one, for at most HANDOVER_WAIT_MS (wall time: the wait is for another
   * process, not for event time). Each look reads only what was written since the last one.
   */
  private async loadReleased(
    partitions: number[],
  ): Promise<Map<string, { value: unknown; partition: number }>> {
    const waitMs = this.opts.handoverWaitMs ?? HANDOVER_WAIT_MS;
    const until = Date.now() + waitMs;
    const load = this.opts.stateTopic.openLoad(partitions);
    try {
      for (;;) {
        const loaded = await load.readOn();
        const held = this.fence.unreleased(loaded, partitions);
        if (held.length === 0) return loaded;
        if (Date.now() >= until) {
          m.handoverTimeouts.inc();
          this.log.warn(
            { partitions: held, waitMs },
            'partitions not released by their last owner (it died?): adopting what it wrote',
          );
          return loaded;
        }
        await sleep(FENCE_POLL_MS);
      }
    } finally {
      await load
        .close()
        .catch((err: unknown) => this.log.warn({ err }, 'state loader did not disconnect cleanly'));
    }
  }
}
