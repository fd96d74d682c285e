import { AssignerProtocol } from 'kafkajs';
import { coPartitionAssigner } from './assigner';

const cluster = {
  findTopicPartitionMetadata: (_topic: string) =>
    Array.from({ length: 6 }, (_, partitionId) => ({ partitionId })),
};

function member(memberId: string, topics: string[]) {
  return {
    memberId,
    memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
  };
}

async function assign(members: ReturnType<typeof member>[], topics: string[]) {
  const a = coPartitionAssigner({ cluster, groupId: 'g', logger: console } as never);
  const out = await a.assign({ members, topics });
  return new Map(
    out.map((x) => [x.memberId, AssignerProtocol.MemberAssignment.decode(x.memberAssignment)!.assignment]),
  );
}

test.each([
  [1, ['logs', 'metrics']],
  [2, ['logs', 'metrics', 'lifecycle', 'heartbeats']],
  [4, ['logs', 'metrics']],
])('%i members: partition p of every topic goes to one member, all partitions once', async (n, topics) => {
  const members = Array.from({ length: n }, (_, i) => member(`m${i}`, topics));
  const plan = await assign(members, topics);
  for (const topic of topics) {
    const owners = new Map<number, string>();
    for (const [id, a] of plan) for (const p of a[topic] ?? []) owners.set(p, id);
    expect([...owners.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Same owner for partition p in every topic: one service's events meet in one replica.
    for (const [p, id] of owners) expect(plan.get(id)![topics[0]!]).toContain(p);
  }
  const counts = [...plan.values()].map((a) => (a[topics[0]!] ?? []).length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
});

test('a topic goes only to the members that subscribe it', async () => {
  const plan = await assign([member('a', ['logs']), member('b', ['logs', 'metrics'])], ['logs', 'metrics']);
  expect(plan.get('a')!.metrics).toBeUndefined();
  expect(plan.get('b')!.metrics).toEqual([0, 1, 2, 3, 4, 5]);
});
