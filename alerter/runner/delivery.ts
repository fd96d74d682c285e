import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Engine, PersistedAlert } from '../engine/engine';
import { alerterMetrics as m } from '../engine/metrics';
import type { AlertStore } from '../engine/persist';
import type { AlertTransition } from '../types';
import type { HandoffBuffer } from './handoff-buffer';
import type { WriteAhead } from './write-ahead';

/**
 * Notify's intake when it shares the alerter's store: synchronous, so that the transitions and
 * the states they lead to commit in one transaction and no crash falls between them.
 */
export interface SameStoreIntake {
  /** The store's transaction (StateStore.tx); the alert store's own nests in it. */
  tx<T>(fn: () => T): T;
  take(transitions: AlertTransition[]): void;
}

export interface DeliveryDeps {
  engine: Engine;
  alertStore: AlertStore;
  clock: Clock;
  log: Logger;
  historyLimit: number;
  onTransitions(transitions: AlertTransition[]): Promise<void>;
  /** When given, used instead of onTransitions. */
  intake?: SameStoreIntake;
  handoff?: HandoffBuffer;
  /** A fleet's hand-off: the states firings lead to are written before notify hears of them. */
  writeAhead?: WriteAhead;
}

/**
 * Hands transitions to notify and records the states they lead to. In one process both go to
 * one SQLite store in one transaction. Otherwise notify comes first, so a crash in between
 * repeats a page (same dedup key) rather than losing one, and a fleet writes a firing's state
 * ahead of notify (write-ahead.ts) so that the next owner adopts it rather than firing it
 * again. What notify refused is kept and offered again, with whatever comes next, on the next call.
 */
export class TransitionDelivery {
  private undelivered: AlertTransition[];
  /** States taken from the engine whose save failed: saved with the next batch. */
  private unsaved: PersistedAlert[] = [];

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
    if (fresh.length > 0) this.undelivered.push(...fresh);
    if (this.undelivered.length === 0) return;
    const batch = this.undelivered;
    await this.deps.writeAhead?.before(batch);
    const changed = this.deps.intake ? this.commitTogether(batch) : await this.notifyThenSave(batch);
    if (!changed) return;
    this.undelivered = [];
    m.undelivered.set(0);
    for (const t of batch) m.transitions.inc({ to: t.to });
    this.deps.handoff?.add(changed, batch);
  }

  private async notifyThenSave(batch: AlertTransition[]): Promise<PersistedAlert[] | undefined> {
    try {
      await this.deps.onTransitions(batch);
    } catch (err) {
      this.refused(err, batch);
      return undefined;
    }
    const changed = this.takeChanged();
    this.save(changed, batch);
    return changed;
  }

  /** Notify's rows and the alert states, all or nothing: a failure leaves both for the retry. */
  private commitTogether(batch: AlertTransition[]): PersistedAlert[] | undefined {
    const { intake } = this.deps;
    const changed = this.takeChanged();
    try {
      intake!.tx(() => {
        intake!.take(batch);
        this.save(changed, batch);
      });
    } catch (err) {
      this.unsaved = changed;
      this.refused(err, batch);
      return undefined;
    }
    return changed;
  }

  private refused(err: unknown, batch: AlertTransition[]): void {
    m.deliveryFailures.inc();
    m.undelivered.set(batch.length);
    this.deps.log.error(
      { err, transitions: batch.length },
      'notify did not take the transitions; retrying on the next tick',
    );
  }

  private takeChanged(): PersistedAlert[] {
    const changed = [...this.unsaved, ...this.deps.engine.takeChanged()];
    this.unsaved = [];
    return changed;
  }

  private save(changed: PersistedAlert[], batch: AlertTransition[]): void {
    const { alertStore, clock, historyLimit } = this.deps;
    alertStore.save(changed, batch, clock.now(), historyLimit);
  }
}
