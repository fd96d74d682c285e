/** TEST DOUBLE ONLY: the Kafka stand-in's committed offsets (what __consumer_offsets holds in Kafka). */

interface Committed {
  offset: number;
  metadata: string | null;
}

export class CommittedOffsets {
  /** group -> "topic/partition" -> committed offset. */
  private readonly byGroup = new Map<string, Map<string, Committed>>();

  store(groupId: string, topic: string, partition: number, offset: number, metadata: string | null): void {
    let o = this.byGroup.get(groupId);
    if (!o) this.byGroup.set(groupId, (o = new Map<string, Committed>()));
    o.set(`${topic}/${partition}`, { offset, metadata });
  }

  /** What OffsetFetch answers: the committed offset, or -1 when the group never committed one. */
  fetch(groupId: string, topic: string, partition: number): Committed {
    return this.byGroup.get(groupId)?.get(`${topic}/${partition}`) ?? { offset: -1, metadata: '' };
  }
}
