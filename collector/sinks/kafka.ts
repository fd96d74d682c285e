import type { Bus } from '../../core/bus/bus';
import type { LookoutEvent, Topic } from '../../core/events';
import type { Sink } from './sink';

/**
 * The fleet's bus as a sink: `lookout collect --bus kafka` hands every event to Kafka through
 * the delivery layer like any backend, so a broker outage spools to disk instead of losing
 * events, and log checkpoints wait for Kafka's acknowledgement. Not configured in `sinks:`;
 * the CLI adds it when the bus is Kafka.
 */
export function createBusForwardSink(bus: Bus, name = 'kafka'): Sink {
  return {
    name,
    accepts: new Set<LookoutEvent['kind']>(['log', 'metric', 'lifecycle', 'heartbeat']),
    async write(events) {
      const byTopic = new Map<Topic, LookoutEvent[]>();
      for (const e of events) {
        const list = byTopic.get(e.kind);
        if (list) list.push(e);
        else byTopic.set(e.kind, [e]);
      }
      const acks: Promise<void>[] = [];
      for (const [topic, list] of byTopic) acks.push((await bus.publish(topic, list)).done);
      await Promise.all(acks);
    },
    close: () => bus.close(),
  };
}
