import type { Bus } from '../../../core/bus/bus';
import type { Source } from '../../../collector/source';

/**
 * The smallest pipeline that honours the Source contract, for tests (the real one is
 * collector/pipeline.ts, which behaves the same way): await `publish` before pulling the next
 * batch (backpressure), skip empty batches without acknowledging them, and call `onDelivered`
 * / `onFailed` when every subscriber has handled a batch.
 */
export async function drive(source: Source, bus: Bus, signal: AbortSignal): Promise<void> {
  for await (const batch of source.run(signal)) {
    if (batch.events.length === 0) continue;
    const { done } = await bus.publish(batch.topic, batch.events);
    done.then(
      () => batch.onDelivered?.(),
      (err: unknown) => batch.onFailed?.(err),
    );
  }
}
