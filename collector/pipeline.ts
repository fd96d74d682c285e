import { Counter } from 'prom-client';
import type { Bus } from '../core/bus/bus';
import type { Logger } from '../core/logger';
import type { Source } from './source';

const eventsIn = new Counter({
  name: 'lookout_collector_events_in_total',
  help: 'Events produced by the collector sources, by kind',
  labelNames: ['source', 'kind'],
});
const batchesFailed = new Counter({
  name: 'lookout_collector_batches_failed_total',
  help: 'Batches that a subscriber could not handle (their log checkpoints do not advance)',
  labelNames: ['source'],
});

/**
 * Drives one source into the bus until the signal aborts. Publishing waits for room in every
 * subscriber's queue (backpressure reaches the source); the batch's own callbacks run when every
 * subscriber has handled it, which is when the log tailer may checkpoint.
 */
export async function pump(source: Source, bus: Bus, logger: Logger, signal: AbortSignal): Promise<void> {
  const log = logger.child({ component: 'pipeline', source: source.name });
  try {
    for await (const batch of source.run(signal)) {
      if (batch.events.length === 0) continue;
      eventsIn.inc({ source: source.name, kind: batch.topic }, batch.events.length);
      const { done } = await bus.publish(batch.topic, batch.events);
      done.then(
        () => batch.onDelivered?.(),
        (err: unknown) => {
          batchesFailed.inc({ source: source.name });
          log.error({ err }, 'a subscriber failed to handle a batch');
          batch.onFailed?.(err);
        },
      );
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
}
