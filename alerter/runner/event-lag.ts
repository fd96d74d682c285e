/**
 * Evaluation lag as the operator means it (issue 18): how far behind the world the alerter
 * decides, i.e. at the moment a batch is evaluated, how old its newest event is. A backlog on
 * the bus, a slow collector or a stalled consumer all show here; time per pass does not.
 */
import type { LookoutEvent } from '../../core/events';
import { alerterMetrics as m } from '../engine/metrics';

export class EventLag {
  private newest = 0;

  observe(events: readonly LookoutEvent[], now: number): void {
    let batchNewest = 0;
    for (const e of events) if (e.ts > batchNewest) batchNewest = e.ts;
    if (batchNewest === 0) return;
    // A host clock ahead of ours is no lag (the engine clamps such events to now too).
    m.eventLag.set(Math.max(0, now - batchNewest) / 1000);
    if (batchNewest > this.newest) {
      this.newest = batchNewest;
      m.lastEventAt.set(Math.min(batchNewest, now) / 1000);
    }
  }
}
