/**
 * TEST DOUBLE ONLY, never used by the product: the stand-in broker's group coordinator.
 * It follows the classic (eager) Kafka protocol closely enough that kafkajs behaves as with a
 * real broker: generations, member ids, a join phase that waits for every known member (or
 * the rebalance timeout), a sync phase fed by the leader, REBALANCE_IN_PROGRESS to make
 * members rejoin, and session expiry so that a member killed with -9 is evicted.
 */
import { randomUUID } from 'node:crypto';
import { Group, type JoinRequest, type JoinResult, type Member } from './group-model';
import { ERR } from './log';
import { CommittedOffsets } from './offsets';

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  /** Kept across stand-in restarts, as Kafka keeps __consumer_offsets. */
  readonly offsets = new CommittedOffsets();
  private ticker?: NodeJS.Timeout;
  /** Groups whose joins are refused, as when an ACL on the group is revoked. */
  private readonly refused = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  start(): void {
    // A coordinator that (re)loads a group gives every member a fresh session, as Kafka does on failover.
    for (const g of this.groups.values()) for (const m of g.members.values()) m.lastSeen = this.now();
    this.ticker = setInterval(() => this.expireSessions(), 100);
    this.ticker.unref();
  }

  stop(): void {
    clearInterval(this.ticker);
    for (const g of this.groups.values()) {
      clearTimeout(g.rebalanceTimer);
      g.rebalanceTimer = undefined;
      // Waiters belong to dropped connections; members will rejoin or expire.
      for (const m of g.members.values()) {
        m.joinWaiter = undefined;
        m.syncWaiter = undefined;
      }
      if (g.state !== 'Empty' && g.state !== 'Stable') g.state = 'PreparingRebalance';
    }
  }

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = new Group(id)));
    return g;
  }

  join(req: JoinRequest): Promise<JoinResult> {
    const g = this.group(req.groupId);
    const fail = (error: number): Promise<JoinResult> =>
      Promise.resolve({
        error,
        generation: -1,
        protocol: '',
        leader: '',
        memberId: req.memberId,
        members: [],
      });
    if (this.refused.has(req.groupId)) return fail(ERR.GROUP_AUTHORIZATION_FAILED);
    if (req.memberId !== '' && !g.members.has(req.memberId)) return fail(ERR.UNKNOWN_MEMBER_ID);
    if (g.members.size > 0 && g.protocolType !== req.protocolType)
      return fail(ERR.INCONSISTENT_GROUP_PROTOCOL);
    const id = req.memberId || `${req.clientId}-${randomUUID()}`;
    const m: Member = g.members.get(id) ?? {
      id,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeout: 0,
      rebalanceTimeout: 0,
      protocols: [],
      assignment: EMPTY,
      lastSeen: 0,
    };
    Object.assign(m, {
      sessionTimeout: req.sessionTimeout,
      rebalanceTimeout: req.rebalanceTimeout,
      protocols: req.protocols,
      lastSeen: this.now(),
    });
    g.members.set(id, m);
    g.protocolType = req.protocolType;
    const result = new Promise<JoinResult>((resolve) => (m.joinWaiter = resolve));
    if (g.state !== 'PreparingRebalance') this.prepareRebalance(g);
    this.tryCompleteJoin(g);
    return result;
  }

  sync(
    groupId: string,
    generation: number,
    memberId: string,
    assignments: Array<{ id: string; assignment: Buffer }>,
  ): Promise<{ error: number; assignment: Buffer }> {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    const fail = (error: number) => Promise.resolve({ error, assignment: EMPTY });
    if (!g || !m) return fail(ERR.UNKNOWN_MEMBER_ID);
    if (generation !== g.generation) return fail(ERR.ILLEGAL_GENERATION);
    if (g.state === 'PreparingRebalance' || g.state === 'Empty') return fail(ERR.REBALANCE_IN_PROGRESS);
    m.lastSeen = this.now();
    if (g.state === 'Stable') return Promise.resolve({ error: ERR.NONE, assignment: m.assignment });
    const result = new Promise<{ error: number; assignment: Buffer }>((resolve) => (m.syncWaiter = resolve));
    if (memberId === g.leader) {
      const byId = new Map(assignments.map((a) => [a.id, a.assignment]));
      g.state = 'Stable';
      for (const member of g.members.values()) {
        member.assignment = byId.get(member.id) ?? EMPTY;
        const w = member.syncWaiter;
        member.syncWaiter = undefined;
        w?.({ error: ERR.NONE, assignment: member.assignment });
      }
    }
    return result;
  }

  heartbeat(groupId: string, generation: number, memberId: string): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return ERR.UNKNOWN_MEMBER_ID;
    if (generation !== g.generation) return ERR.ILLEGAL_GENERATION;
    m.lastSeen = this.now();
    return g.state === 'PreparingRebalance' ? ERR.REBALANCE_IN_PROGRESS : ERR.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const g = this.groups.get(groupId);
    if (!g?.members.has(memberId)) return ERR.UNKNOWN_MEMBER_ID;
    this.removeMember(g, memberId);
    return ERR.NONE;
  }

  /** OffsetCommit: admin commits (generation -1) always; member commits only from the current generation. */
  commit(groupId: string, generation: number, memberId: string): number {
    if (generation < 0 && memberId === '') return ERR.NONE;
    const g = this.groups.get(groupId);
    if (!g || !g.members.has(memberId)) return ERR.UNKNOWN_MEMBER_ID;
    // Like Kafka: a member of the current generation may still commit while the others rejoin,
    // which lets it commit what it finished before it rejoins; not while assignments are handed out.
    if (g.state === 'CompletingRebalance') return ERR.REBALANCE_IN_PROGRESS;
    if (generation !== g.generation) return ERR.ILLEGAL_GENERATION;
    return ERR.NONE;
  }

  describe(groupId: string) {
    const g = this.groups.get(groupId);
    if (!g) return { state: 'Dead', protocolType: '', protocol: '', members: [] };
    const members = [...g.members.values()].map((m) => ({
      id: m.id,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: m.protocols.find((p) => p.name === g.protocol)?.metadata ?? EMPTY,
      assignment: m.assignment,
    }));
    return { state: g.state, protocolType: g.protocolType, protocol: g.protocol, members };
  }

  /**
   * For tests: evicts every member of the group (their next heartbeat is UNKNOWN_MEMBER_ID) and
   * answers their joins GROUP_AUTHORIZATION_FAILED until `admit`: a consumer kicked out and
   * unable to rejoin.
   */
  refuse(groupId: string): void {
    this.refused.add(groupId);
    const g = this.groups.get(groupId);
    for (const id of [...(g?.members.keys() ?? [])]) this.removeMember(g!, id);
  }

  admit(groupId: string): void {
    this.refused.delete(groupId);
  }

  private prepareRebalance(g: Group): void {
    for (const m of g.members.values()) {
      const w = m.syncWaiter;
      m.syncWaiter = undefined;
      w?.({ error: ERR.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    }
    g.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...g.members.values()].map((m) => m.rebalanceTimeout));
    clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = setTimeout(() => this.completeJoin(g), timeout);
    g.rebalanceTimer.unref();
  }

  private tryCompleteJoin(g: Group): void {
    if (g.state === 'PreparingRebalance' && [...g.members.values()].every((m) => m.joinWaiter))
      this.completeJoin(g);
  }

  /** Ends the join phase: members that did not rejoin in time are dropped, the rest get the new generation. */
  private completeJoin(g: Group): void {
    if (g.state !== 'PreparingRebalance') return;
    clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = undefined;
    for (const m of [...g.members.values()]) if (!m.joinWaiter) g.members.delete(m.id);
    g.generation++;
    if (g.members.size === 0) {
      g.state = 'Empty';
      g.leader = '';
      return;
    }
    const members = [...g.members.values()];
    if (!g.members.has(g.leader)) g.leader = members[0]!.id;
    const leader = g.members.get(g.leader)!;
    // The leader's most preferred protocol that every member supports.
    const common = leader.protocols.find((p) =>
      members.every((m) => m.protocols.some((q) => q.name === p.name)),
    );
    if (!common) {
      for (const m of members)
        m.joinWaiter?.({
          error: ERR.INCONSISTENT_GROUP_PROTOCOL,
          generation: -1,
          protocol: '',
          leader: '',
          memberId: m.id,
          members: [],
        });
      g.members.clear();
      g.state = 'Empty';
      return;
    }
    g.protocol = common.name;
    g.state = 'CompletingRebalance';
    const list = members.map((m) => ({
      id: m.id,
      metadata: m.protocols.find((p) => p.name === common.name)!.metadata,
    }));
    for (const m of members) {
      const w = m.joinWaiter!;
      m.joinWaiter = undefined;
      m.lastSeen = this.now();
      w({
        error: ERR.NONE,
        generation: g.generation,
        protocol: g.protocol,
        leader: g.leader,
        memberId: m.id,
        members: m.id === g.leader ? list : [],
      });
    }
  }

  private removeMember(g: Group, id: string): void {
    const m = g.members.get(id);
    if (!m) return;
    g.members.delete(id);
    m.joinWaiter?.({
      error: ERR.UNKNOWN_MEMBER_ID,
      generation: -1,
      protocol: '',
      leader: '',
      memberId: id,
      members: [],
    });
    m.syncWaiter?.({ error: ERR.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (g.members.size === 0 && g.state !== 'PreparingRebalance') {
      g.state = 'Empty';
      g.generation++;
      return;
    }
    if (g.state !== 'PreparingRebalance') this.prepareRebalance(g);
    this.tryCompleteJoin(g);
  }

  /** Members that neither heartbeat nor wait in a join or sync are gone (a kill -9, a frozen process). */
  private expireSessions(): void {
    const now = this.now();
    for (const g of this.groups.values()) {
      for (const m of [...g.members.values()]) {
        if (m.joinWaiter || m.syncWaiter) continue;
        if (now - m.lastSeen > m.sessionTimeout) this.removeMember(g, m.id);
      }
    }
  }
}
