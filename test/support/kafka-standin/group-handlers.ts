/**
 * TEST DOUBLE ONLY: the consumer-group APIs of the Kafka stand-in (coordinator, join/sync,
 * heartbeat, leave, offsets, describe), each decoding its request and encoding its answer at
 * the version handlers.ts pins; the group state itself is group.ts's.
 */
import { Writer, type Reader } from './codec';
import type { BrokerContext } from './context';
import { ERR } from './log';

export function offsetCommit(r: Reader, ctx: BrokerContext): Writer {
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  r.int64(); // retention
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), offset: p.int64n(), metadata: p.nullableString() })),
  }));
  const error = ctx.groups.commit(groupId, generation, memberId);
  return new Writer().array(topics, (w, t) =>
    w.string(t.topic).array(t.partitions, (w2, p) => {
      if (error === ERR.NONE) ctx.groups.offsets.store(groupId, t.topic, p.partition, p.offset, p.metadata);
      w2.int32(p.partition).int16(error);
    }),
  );
}

export function offsetFetch(r: Reader, ctx: BrokerContext): Writer {
  const groupId = r.string();
  const topics = r.array((t) => ({ topic: t.string(), partitions: t.array((p) => p.int32()) }));
  return new Writer().array(topics, (w, t) =>
    w.string(t.topic).array(t.partitions, (w2, p) => {
      const o = ctx.groups.offsets.fetch(groupId, t.topic, p);
      w2.int32(p).int64(o.offset).string(o.metadata).int16(ERR.NONE);
    }),
  );
}

export function findCoordinator(r: Reader, ctx: BrokerContext): Writer {
  r.string();
  return new Writer().int16(ERR.NONE).int32(ctx.nodeId).string(ctx.host).int32(ctx.port);
}

export async function joinGroup(r: Reader, ctx: BrokerContext): Promise<Writer> {
  const res = await ctx.groups.join({
    groupId: r.string(),
    sessionTimeout: r.int32(),
    rebalanceTimeout: r.int32(),
    memberId: r.string(),
    protocolType: r.string(),
    protocols: r.array((p) => ({ name: p.string(), metadata: p.bytes() ?? Buffer.alloc(0) })),
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
  });
  return new Writer()
    .int16(res.error)
    .int32(res.generation)
    .string(res.protocol)
    .string(res.leader)
    .string(res.memberId)
    .array(res.members, (w, m) => w.string(m.id).bytes(m.metadata));
}

export async function syncGroup(r: Reader, ctx: BrokerContext): Promise<Writer> {
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  const assignments = r.array((a) => ({ id: a.string(), assignment: a.bytes() ?? Buffer.alloc(0) }));
  const res = await ctx.groups.sync(groupId, generation, memberId, assignments);
  return new Writer().int16(res.error).bytes(res.assignment);
}

export function describeGroups(r: Reader, ctx: BrokerContext): Writer {
  const ids = r.array((x) => x.string());
  return new Writer().array(ids, (w, id) => {
    const d = ctx.groups.describe(id);
    w.int16(ERR.NONE).string(id).string(d.state).string(d.protocolType).string(d.protocol);
    w.array(d.members, (w2, m) =>
      w2.string(m.id).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment),
    );
  });
}

export function heartbeat(r: Reader, ctx: BrokerContext): Writer {
  return new Writer().int16(ctx.groups.heartbeat(r.string(), r.int32(), r.string()));
}

export function leaveGroup(r: Reader, ctx: BrokerContext): Writer {
  return new Writer().int16(ctx.groups.leave(r.string(), r.string()));
}
