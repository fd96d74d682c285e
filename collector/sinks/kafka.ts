import type { Bus } from '../../core/bus/bus';
import type { LookoutEvent, Topic } from '../../core/events';
import { sinkName } from './config';
import type { Sink, SinkDeps } from './sink';

/**
 * Not a `sinks:` entry a user writes: createCollector adds it when `lookout collect` runs with
 * the Kafka bus, so every event travels to the fleet's bus through the delivery layer like any
 * backend (a broker outage spools to disk instead of losing events, and log checkpoints wait
 * for Kafka's acknowledgement).
 */
export interface KafkaSinkConfig {
  type: 'kafka';
  name?: string;
}

export function createKafkaSink(config: KafkaSinkConfig, deps: SinkDeps): Sink {
  if (!deps.bus) throw new Error('the kafka sink forwards to the fleet bus, and none was handed in');
  return createBusForwardSink(deps.bus, sinkName(config));
}

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
