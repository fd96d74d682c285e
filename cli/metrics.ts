import { Gauge } from 'prom-client';
import type { MemoryBus } from '../core/bus/memory';

let current: MemoryBus | undefined;
const depth = new Gauge({
  name: 'lookout_bus_queue_events',
  help: 'Events queued for a bus subscriber and not yet handled',
  labelNames: ['topic', 'subscriber'],
  collect() {
    this.reset();
    for (const d of current?.depths() ?? []) this.set({ topic: d.topic, subscriber: d.subscriber }, d.depth);
  },
});

/** Queue depth per subscriber on /metrics (read when scraped, not kept up to date on the hot path). */
export function exposeBusDepths(bus: MemoryBus): void {
  current = bus;
  void depth;
}
