import type { Clock } from '../../core/clock';
import type { Engine } from '../engine/engine';
import type { AlertStore } from '../engine/persist';

/** At most this often: the inventory can hold thousands of series and rarely changes. */
const EVERY_MS = 10_000;

/** Saves what absence rules expect to hear from, so a restart still misses a host that never returns. */
export class InventorySaver {
  private last = '';
  private at = 0;

  constructor(
    private readonly engine: Engine,
    private readonly alertStore: AlertStore,
    private readonly clock: Clock,
  ) {}

  /** `force` (at stop) skips the interval, not the check for a change. */
  save(force = false): void {
    const now = this.clock.now();
    if (force) this.at = 0;
    if (now - this.at < EVERY_MS) return;
    this.at = now;
    const inv = this.engine.inventory();
    const text = JSON.stringify(inv);
    if (text === this.last) return;
    this.last = text;
    this.alertStore.saveInventory(inv);
  }
}
