/**
 * The writes of one sink that are running, at most `max` at once (delivery.max_in_flight). A
 * second bulk request on the wire while the next body is built is most of what issue 16's
 * profile showed: with one, the shipping side sat idle a third of the time waiting for answers.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();

  constructor(
    readonly max: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  get count(): number {
    return this.running.size;
  }

  get full(): boolean {
    return this.running.size >= this.max;
  }

  /** Starts `write` (it settles its own events; a rejection goes to onError); `after` runs once it ended. */
  start(write: () => Promise<void>, after: () => void): void {
    const p: Promise<void> = write()
      .catch(this.onError)
      .finally(() => {
        this.running.delete(p);
        after();
      });
    this.running.add(p);
  }

  /** Resolves once every write running now (and any started meanwhile) ended. */
  async all(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
