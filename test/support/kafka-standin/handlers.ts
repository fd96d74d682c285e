/**
 * TEST DOUBLE ONLY, never used by the product: one decoder/encoder per Kafka API the stand-in
 * answers. Each API is pinned to the one version kafkajs 2.2.4 picks when the broker
 * advertises it as the maximum: the lowest that still carries what kafkajs needs (record
 * batches: Produce v3 / Fetch v4; a controller id: Metadata v1; a rebalance timeout:
 * JoinGroup v1), all from before tagged fields, so every encoding stays fixed-width and simple.
 * The layouts follow node_modules/kafkajs/src/protocol/requests/<api>/v<N>/{request,response}.js.
 */
import { Reader, Writer } from './codec';
import type { BrokerContext, Handler } from './context';
import {
  describeGroups,
  findCoordinator,
  heartbeat,
  joinGroup,
  leaveGroup,
  offsetCommit,
  offsetFetch,
  syncGroup,
} from './group-handlers';
import { ERR } from './log';

export type { BrokerContext } from './context';

export const API = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  InitProducerId: 22,
  SaslAuthenticate: 36,
} as const;

function produce(r: Reader, ctx: BrokerContext): Writer | null {
  r.nullableString(); // transactional id: the stand-in has no transactions
  const acks = r.int16();
  r.int32(); // timeout
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), records: p.bytes() ?? Buffer.alloc(0) })),
  }));
  const results = topics.map(({ topic, partitions }) => ({
    topic,
    partitions: partitions.map(({ partition, records }) => {
      const log = ctx.store.partition(topic, partition);
      const res = log ? log.append(records) : { error: ERR.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 };
      return { partition, ...res };
    }),
  }));
  ctx.store.notify();
  if (acks === 0) return null;
  return new Writer()
    .array(results, (w, t) =>
      w
        .string(t.topic)
        .array(t.partitions, (w2, p) => w2.int32(p.partition).int16(p.error).int64(p.baseOffset).int64(-1)),
    )
    .int32(0);
}

async function fetch(r: Reader, ctx: BrokerContext): Promise<Writer> {
  r.int32(); // replica id
  const maxWait = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8(); // isolation level: nothing is transactional here, so both levels read the same
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), offset: p.int64n(), maxBytes: p.int32() })),
  }));
  const deadline = Date.now() + maxWait;
  for (;;) {
    let total = 0;
    const answer = topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((p) => {
        const log = ctx.store.partition(topic, p.partition);
        if (!log)
          return {
            partition: p.partition,
            error: ERR.UNKNOWN_TOPIC_OR_PARTITION,
            hw: -1,
            records: Buffer.alloc(0),
          };
        const budget = Math.max(0, Math.min(p.maxBytes, maxBytes - total));
        const { error, records } = log.read(p.offset, budget);
        total += records.length;
        return { partition: p.partition, error, hw: log.nextOffset, records };
      }),
    }));
    const wait = deadline - Date.now();
    if (total >= minBytes || wait <= 0 || ctx.signal.aborted) {
      return new Writer()
        .int32(0)
        .array(answer, (w, t) =>
          w
            .string(t.topic)
            .array(t.partitions, (w2, p) =>
              w2.int32(p.partition).int16(p.error).int64(p.hw).int64(p.hw).int32(0).bytes(p.records),
            ),
        );
    }
    await ctx.store.waitForData(wait, ctx.signal);
  }
}

function listOffsets(r: Reader, ctx: BrokerContext): Writer {
  r.int32();
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), ts: p.int64n() })),
  }));
  return new Writer().array(topics, (w, t) =>
    w.string(t.topic).array(t.partitions, (w2, p) => {
      const log = ctx.store.partition(t.topic, p.partition);
      if (!log) w2.int32(p.partition).int16(ERR.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
      else w2.int32(p.partition).int16(ERR.NONE).int64(-1).int64(log.offsetForTime(p.ts));
    }),
  );
}

function metadata(r: Reader, ctx: BrokerContext): Writer {
  const wanted = r.nullableArray((x) => x.string());
  if (wanted && ctx.autoCreateTopics)
    for (const t of wanted) if (!ctx.store.topics.has(t)) ctx.store.create(t, ctx.defaultPartitions);
  const names = wanted ?? [...ctx.store.topics.keys()];
  return new Writer()
    .array([ctx.nodeId], (w, id) => w.int32(id).string(ctx.host).int32(ctx.port).string(null))
    .int32(ctx.nodeId)
    .array(names, (w, name) => {
      const parts = ctx.store.topics.get(name);
      w.int16(parts ? ERR.NONE : ERR.UNKNOWN_TOPIC_OR_PARTITION)
        .string(name)
        .bool(false);
      w.array(parts ? parts.map((_, i) => i) : [], (w2, i) =>
        w2
          .int16(ERR.NONE)
          .int32(i)
          .int32(ctx.nodeId)
          .array([ctx.nodeId], (w3, n) => w3.int32(n))
          .array([ctx.nodeId], (w3, n) => w3.int32(n)),
      );
    });
}

/** Answers any version up to 2 (kafkajs asks for 2 first); the body only grows a throttle time. */
export const SUPPORTED: ReadonlyArray<[key: number, min: number, max: number]> = [
  [API.Produce, 3, 3],
  [API.Fetch, 4, 4],
  [API.ListOffsets, 1, 1],
  [API.Metadata, 1, 1],
  [API.OffsetCommit, 2, 2],
  [API.OffsetFetch, 1, 1],
  [API.FindCoordinator, 0, 0],
  [API.JoinGroup, 1, 1],
  [API.Heartbeat, 0, 0],
  [API.LeaveGroup, 0, 0],
  [API.SyncGroup, 0, 0],
  [API.DescribeGroups, 0, 0],
  [API.ApiVersions, 0, 2],
  [API.CreateTopics, 0, 0],
  [API.InitProducerId, 0, 0],
  // Answered by the connection's SaslSession (sasl.ts), not by a handler here.
  [API.SaslHandshake, 1, 1],
  [API.SaslAuthenticate, 0, 1],
];

function apiVersions(_r: Reader, _ctx: BrokerContext, version: number): Writer {
  const w = new Writer()
    .int16(ERR.NONE)
    .array(SUPPORTED, (w2, [k, min, max]) => w2.int16(k).int16(min).int16(max));
  return version >= 1 ? w.int32(0) : w;
}

function createTopics(r: Reader, ctx: BrokerContext): Writer {
  const topics = r.array((t) => {
    const out = { name: t.string(), partitions: t.int32() };
    t.int16();
    t.array((a) => [a.int32(), a.array((x) => x.int32())]);
    t.array((c) => [c.string(), c.nullableString()]);
    return out;
  });
  r.int32();
  return new Writer().array(topics, (w, t) => {
    let error: number = ERR.NONE;
    if (!ctx.allowCreateTopics) error = ERR.TOPIC_AUTHORIZATION_FAILED;
    else if (ctx.store.topics.has(t.name)) error = ERR.TOPIC_ALREADY_EXISTS;
    else if (t.partitions === 0 || t.partitions < -1) error = ERR.INVALID_PARTITIONS;
    else ctx.store.create(t.name, t.partitions === -1 ? ctx.defaultPartitions : t.partitions);
    w.string(t.name).int16(error);
  });
}

function initProducerId(r: Reader, ctx: BrokerContext): Writer {
  r.nullableString();
  r.int32();
  return new Writer().int32(0).int16(ERR.NONE).int64(ctx.nextProducerId()).int16(0);
}

export const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [API.Produce, produce],
  [API.Fetch, fetch],
  [API.ListOffsets, listOffsets],
  [API.Metadata, metadata],
  [API.OffsetCommit, offsetCommit],
  [API.OffsetFetch, offsetFetch],
  [API.FindCoordinator, findCoordinator],
  [API.JoinGroup, joinGroup],
  [API.Heartbeat, heartbeat],
  [API.LeaveGroup, leaveGroup],
  [API.SyncGroup, syncGroup],
  [API.DescribeGroups, describeGroups],
  [API.ApiVersions, apiVersions],
  [API.CreateTopics, createTopics],
  [API.InitProducerId, initProducerId],
]);
