import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

export const CO_PARTITION_ASSIGNER = 'LookoutCoPartition';

/**
 * Partition p of every subscribed topic goes to the same member, so the logs, metrics,
 * lifecycle events and heartbeats of one service (one key, one partition number in each
 * topic) meet in one alerter. kafkajs's round-robin assigner spreads topic-partitions without
 * regard for that. Members are taken in id order; a topic goes only to members that subscribe it.
 */
export const coPartitionAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITION_ASSIGNER,
  version: 0,
  // eslint-disable-next-line @typescript-eslint/require-await
  async assign({ members, topics }) {
    const subscribed = new Map<string, string[]>();
    for (const mb of members) {
      const meta = AssignerProtocol.MemberMetadata.decode(mb.memberMetadata);
      subscribed.set(mb.memberId, meta?.topics ?? topics);
    }
    const ids = members.map((mb) => mb.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    for (const topic of topics) {
      const eligible = ids.filter((id) => subscribed.get(id)!.includes(topic));
      if (eligible.length === 0) continue;
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const owner = plan.get(eligible[partitionId % eligible.length]!)!;
        (owner[topic] ??= []).push(partitionId);
      }
    }
    return ids.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: plan.get(memberId)!,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: CO_PARTITION_ASSIGNER,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
