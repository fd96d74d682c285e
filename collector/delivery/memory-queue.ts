import type { LookoutEvent } from '../../core/events';
import { approxBytes, takeBatch, type Entry, type Part } from './batch';

/**
 * The in-memory side of one sink's delivery: the bus's batches in arrival order, each resolved
 * once all its events are settled (delivered, spooled or dead-lettered), and the running totals
 * the memory ceiling and /metrics look at. Events leave the totals when `forget` is called,
 * which is after their write ended or they moved to the spool, not when they are taken.
 */
export class MemoryQueue {
  private readonly entries: Entry[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;

  /** Batches with events not yet taken. */
  get length(): number {
    return this.entries.length;
  }

  get events(): number {
    return this.queuedEvents;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Queues a batch; the promise resolves once every one of its events is settled. */
  push(events: LookoutEvent[]): Promise<void> {
    let bytes = 0;
    for (const e of events) bytes += approxBytes(e);
    const done = new Promise<void>((resolve) =>
      this.entries.push({ events, bytes, taken: 0, settled: 0, resolve }),
    );
    this.queuedEvents += events.length;
    this.queuedBytes += bytes;
    return done;
  }

  /** The next write's worth off the head (see takeBatch). */
  take(maxEvents: number, maxBytes: number): { events: LookoutEvent[]; parts: Part[] } {
    return takeBatch(this.entries, maxEvents, maxBytes);
  }

  /** Everything not yet taken, in order; the parts are to be settled once it is safe elsewhere. */
  takeAll(): { events: LookoutEvent[]; parts: Part[] } {
    const events: LookoutEvent[] = [];
    const parts: Part[] = [];
    for (const e of this.entries) {
      const rest = e.events.slice(e.taken);
      events.push(...rest);
      parts.push({ entry: e, count: rest.length });
      e.taken = e.events.length;
    }
    this.entries.length = 0;
    return { events, parts };
  }

  /** Taken events that are written or spooled leave the totals. */
  forget(events: readonly LookoutEvent[]): void {
    this.queuedEvents -= events.length;
    for (const e of events) this.queuedBytes -= approxBytes(e);
    if (this.queuedEvents === 0) this.queuedBytes = 0;
  }
}
