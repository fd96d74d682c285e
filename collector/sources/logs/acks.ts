/**
 * Applies acknowledgements in the order batches were made, whatever order they arrive in: an
 * empty batch's ack can overtake a full one's, and checkpointing past an undelivered batch
 * would lose it on a crash. `ack` returns the newest batch whose predecessors are all acked.
 */
export class InOrderAcks<T> {
  private next = 0;
  private applied = 0;
  private readonly waiting = new Map<number, T>();

  /** A sequence number for a new batch. */
  issue(): number {
    return this.next++;
  }

  /** Every batch issued so far has been acknowledged. */
  settled(): boolean {
    return this.applied === this.next;
  }

  ack(seq: number, value: T): T | undefined {
    this.waiting.set(seq, value);
    let last: T | undefined;
    while (this.waiting.has(this.applied)) {
      last = this.waiting.get(this.applied);
      this.waiting.delete(this.applied++);
    }
    return last;
  }
}
