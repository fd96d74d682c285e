import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Engine } from '../engine/engine';
import { alerterMetrics as m } from '../engine/metrics';
import type { AlertStore } from '../engine/persist';
import type { AlertTransition } from '../types';
import type { HandoffBuffer } from './handoff-buffer';

export interface DeliveryDeps {
  engine: Engine;
  alertStore: AlertStore;
  clock: Clock;
  log: Logger;
  historyLimit: number;
  onTransitions(transitions: AlertTransition[]): Promise<void>;
  handoff?: HandoffBuffer;
}

/**
 * Hands transitions to notify before it records the states they lead to, so a crash in
 * between repeats a page (same dedup key) rather than losing one. What notify refused is kept
 * and offered again, with whatever comes next, on the next call.
 */
export class TransitionDelivery {
  private undelivered: AlertTransition[];

  constructor(
    private readonly deps: DeliveryDeps,
    initial: AlertTransition[] = [],
  ) {
    this.undelivered = initial;
  }

  /** Transitions notify has not taken yet. */
  get pending(): number {
    return this.undelivered.length;
  }

  async deliver(fresh: AlertTransition[]): Promise<void> {
    const { engine, alertStore, clock, log } = this.deps;
    if (fresh.length > 0) this.undelivered.push(...fresh);
    if (this.undelivered.length === 0) return;
    const batch = this.undelivered;
    try {
      await this.deps.onTransitions(batch);
    } catch (err) {
      m.deliveryFailures.inc();
      m.undelivered.set(batch.length);
      log.error({ err, transitions: batch.length }, 'onTransitions failed; retrying on the next tick');
      return;
    }
    this.undelivered = [];
    m.undelivered.set(0);
    for (const t of batch) m.transitions.inc({ to: t.to });
    const changed = engine.takeChanged();
    alertStore.save(changed, batch, clock.now(), this.deps.historyLimit);
    this.deps.handoff?.add(changed, batch);
  }
}
