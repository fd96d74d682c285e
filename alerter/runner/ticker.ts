import type { Logger } from '../../core/logger';
import type { Engine } from '../engine/engine';
import { alerterMetrics as m } from '../engine/metrics';
import type { TransitionDelivery } from './delivery';
import type { HandoffBuffer } from './handoff-buffer';
import type { InventorySaver } from './inventory';
import type { SerialQueue } from './serial';

const RULES_PER_SLICE = 50;

export interface TickerDeps {
  engine: Engine;
  serial: SerialQueue;
  delivery: TransitionDelivery;
  inventory: InventorySaver;
  handoff?: HandoffBuffer;
  log: Logger;
}

/**
 * A tick in slices of about 50 rules, each its own turn on the serial queue, so event batches
 * that arrive meanwhile are evaluated between slices instead of after the whole tick.
 */
export class Ticker {
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: TickerDeps) {}

  /** A tick slower than eval_interval is not stacked on by the next one. */
  tick(): Promise<void> {
    this.ticking ??= this.once().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async once(): Promise<void> {
    const { engine, serial, delivery } = this.deps;
    const slices = Math.max(1, Math.ceil(engine.rules().length / RULES_PER_SLICE));
    const end = m.tickSeconds.startTimer();
    for (let s = 0; s < slices; s++) {
      await serial.run(() => delivery.deliver(engine.tickSlice(s, slices)));
      if (s + 1 < slices) await new Promise((r) => setImmediate(r));
    }
    end();
    await serial.run(async () => {
      m.groups.set(engine.groupCount());
      this.deps.inventory.save();
      await this.deps.handoff
        ?.flush()
        .catch((err: unknown) =>
          this.deps.log.warn({ err }, 'alert states not handed off; retrying with the next batch'),
        );
    });
  }
}
