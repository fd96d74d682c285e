import type { Bus } from '../../../../core/bus/bus';
import type { Source } from '../../../source';

/**
 * The smallest pipeline that honours the Source contract, for tests and the bench (the real
 * one is collector/pipeline.ts): await `publish` before pulling the next batch (backpressure),
 * and call `onDelivered` / `onFailed` when every subscriber has handled it.
 */
export async function drive(source: Source, bus: Bus, signal: AbortSignal): Promise<void> {
  for await (const batch of source.run(signal)) {
    const { done } = await bus.publish(batch.topic, batch.events);
    done.then(
      () => batch.onDelivered?.(),
      (err: unknown) => batch.onFailed?.(err),
    );
  }
}
