/**
 * Is this process's consumer really in its group, holding its share of the partitions? The
 * answer behind the alerter's `bus` check on /healthz (issue 17). A replica that is not
 * assigned anything evaluates nothing, and nothing else would say so: its API, its outbox and
 * its own loop all look fine.
 *
 * Unhealthy, once it has lasted longer than the budget (session_timeout + rebalance_timeout:
 * a member is given a session to be missed and then a rebalance to rejoin within):
 * - not in the group: no successful join or heartbeat for a whole session_timeout (the broker's
 *   own rule for evicting a member), or never joined since the consumer started (broker
 *   unreachable, group access refused, the consumer crashed and keeps failing to restart);
 * - in the group with no partitions while it should have some: the co-partition assigner gives
 *   every member at least one partition while there are no more members than partitions, so an
 *   empty hand then is a fault. With more members than partitions, it is a standby and healthy.
 */
import type { Consumer } from 'kafkajs';
import type { HealthCheck } from '../../health/server';

export interface MembershipTimeouts {
  session_timeout: number;
  rebalance_timeout: number;
}

export class GroupMembership {
  private since: number;
  private lastAlive?: number;
  private assigned = 0;
  private emptySince?: number;
  /** Members in the group at the last join with an empty hand; undefined when not asked or unknown. */
  private members?: number;
  private lastError?: string;

  constructor(
    readonly groupId: string,
    private readonly timeouts: MembershipTimeouts,
    private readonly partitions: () => number,
    private readonly now: () => number = Date.now,
  ) {
    this.since = now();
  }

  get budgetMs(): number {
    return this.timeouts.session_timeout + this.timeouts.rebalance_timeout;
  }

  joined(partitions: number): void {
    this.alive();
    this.joins++;
    this.assigned = partitions;
    this.members = undefined;
    this.emptySince = partitions === 0 ? this.now() : undefined;
  }

  /** Joins so far, so that a late DescribeGroups answer is not applied to a newer join. */
  joins = 0;

  /** What DescribeGroups said after the empty-handed join number `join`: is it a standby? */
  groupSize(join: number, members: number | undefined): void {
    if (join === this.joins) this.members = members;
  }

  alive(): void {
    this.lastAlive = this.now();
    this.lastError = undefined;
  }

  failed(message: string): void {
    this.lastError = message;
  }

  /**
   * The consumer stopped (close, resubscribe, or a failed start it retries): out of the group
   * from now on if it was in; if it was not, the clock of "not in the group" keeps running.
   */
  left(): void {
    if (this.lastAlive !== undefined) this.since = this.inGroup() ? this.now() : this.lastAlive;
    this.lastAlive = undefined;
  }

  private inGroup(): boolean {
    return this.lastAlive !== undefined && this.now() - this.lastAlive <= this.timeouts.session_timeout;
  }

  check: HealthCheck = () => {
    const now = this.now();
    const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
    const budget = this.budgetMs;
    if (!this.inGroup()) {
      const from = this.lastAlive ?? this.since;
      const why = this.lastError ? ` (last error: ${this.lastError})` : '';
      const what =
        this.lastAlive === undefined
          ? `consumer not in group ${this.groupId} for ${secs(now - from)}${why}`
          : `consumer of group ${this.groupId} has had no heartbeat for ${secs(now - from)}${why}`;
      return { ok: now - from <= budget, detail: what };
    }
    if (this.assigned > 0) return { ok: true };
    const partitions = this.partitions();
    if (this.members !== undefined && this.members > partitions)
      return {
        ok: true,
        detail: `standby in group ${this.groupId}: ${this.members} members for ${partitions} partitions`,
      };
    const empty = now - (this.emptySince ?? now);
    const members = this.members === undefined ? 'unknown' : String(this.members);
    return {
      ok: empty <= budget,
      detail: `no partitions assigned in group ${this.groupId} for ${secs(empty)} (${partitions} partitions, ${members} members)`,
    };
  };
}

/** One check over several groups: unhealthy if any is, every detail named. */
export function membershipsCheck(groups: () => GroupMembership[]): HealthCheck {
  return () => {
    const results = groups().map((g) => g.check());
    const details = results.map((r) => r.detail).filter((d): d is string => !!d);
    if (results.length === 0) return { ok: false, detail: 'no consumer subscribed' };
    return { ok: results.every((r) => r.ok), ...(details.length > 0 ? { detail: details.join('; ') } : {}) };
  };
}

/** Feeds a kafkajs consumer's instrumentation events into the tracker. */
export function watchMembership(c: Consumer, m: GroupMembership): void {
  c.on(c.events.HEARTBEAT, () => m.alive());
  c.on(c.events.GROUP_JOIN, (e) => {
    const held = Object.values(e.payload.memberAssignment).reduce((n, ps) => n + ps.length, 0);
    m.joined(held);
    // Only an empty hand needs the group's size (standby or fault); one request per such join.
    const join = m.joins;
    if (held === 0)
      c.describeGroup().then(
        (g) => m.groupSize(join, g.members.length),
        () => m.groupSize(join, undefined),
      );
  });
  c.on(c.events.CRASH, (e) => m.failed(e.payload.error.message));
}
