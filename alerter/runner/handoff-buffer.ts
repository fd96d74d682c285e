import type { HandoffBatch, AlerterHandoff } from '../handoff';
import type { Engine, PersistedAlert } from '../engine/engine';
import type { AlertTransition } from '../types';

const nothing = (): HandoffBatch => ({ changed: [], transitions: [], inventory: { add: [], remove: [] } });

/**
 * States delivered to the outbox (and absence inventory news) not yet handed off: kept until
 * the hand-off takes them, so a refused write is merged into the next one rather than lost.
 */
export class HandoffBuffer {
  private batch = nothing();

  constructor(
    private readonly handoff: AlerterHandoff,
    private readonly engine: Engine,
  ) {}

  /** Only once the transitions that changed these states are in the outbox. */
  add(changed: readonly PersistedAlert[], transitions: readonly AlertTransition[]): void {
    this.batch.changed.push(...changed);
    this.batch.transitions.push(...transitions);
  }

  async flush(): Promise<void> {
    const inv = this.engine.takeInventory();
    const b = this.batch;
    b.inventory.add.push(...inv.add);
    b.inventory.remove.push(...inv.remove);
    if (b.changed.length + b.transitions.length + b.inventory.add.length + b.inventory.remove.length === 0)
      return;
    await this.handoff.publish(b);
    this.batch = nothing();
  }
}
