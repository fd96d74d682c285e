import type { Group, InventoryRef } from './model';
import { labelRoute } from './route';

/** What a fleet's hand-off knows a group by: its alert key, rule, labels and partition key. */
export function inventoryRef(rule: string, g: Group): InventoryRef {
  return { key: g.dedup, rule, groupLabels: g.labels, routingKey: g.route ?? labelRoute(g.labels) };
}

/**
 * An absence rule's inventory entries made and forgotten since the hand-off last took them (a
 * fleet's alerters pass them on at a rebalance). Off unless the engine tracks them, and for
 * rules without an inventory: elsewhere they would only grow.
 */
export class InventoryChanges {
  private readonly born = new Set<Group>();
  private readonly gone = new Map<string, InventoryRef>();

  constructor(
    private readonly rule: string,
    private readonly on: boolean,
  ) {}

  made(g: Group): void {
    if (this.on) this.born.add(g);
  }

  forgotten(g: Group): void {
    if (!this.on) return;
    if (!this.born.delete(g)) this.gone.set(g.dedup, inventoryRef(this.rule, g));
  }

  /** A group restored, seeded or released: not news for the hand-off. */
  notNews(g: Group): void {
    this.born.delete(g);
  }

  take(): { add: InventoryRef[]; remove: InventoryRef[] } {
    const add = [...this.born].map((g) => inventoryRef(this.rule, g));
    const remove = [...this.gone.values()];
    this.born.clear();
    this.gone.clear();
    return { add, remove };
  }
}
