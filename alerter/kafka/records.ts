/** The state topic's record format: what one replica writes and the next owner reads back. */
import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { PersistedAlert } from '../engine/engine';
import type { InventoryRef } from '../engine/model';
import type { Told } from '../notify/types';

/** One alert state in the topic: the engine's persisted state and its recent firing/resolved times. */
export interface HandedState extends PersistedAlert {
  v: 1;
  /** Times (event time, ms) it went firing or resolved lately: notify's flap count, carried across. */
  changes: number[];
}

/** Deliveries of one alert in the topic, under `ntf:<alert key>`: per receiver, what it was told last. */
export interface HandedTold {
  v: 1;
  routingKey: string;
  receivers: Record<string, Told>;
}

/** An absence rule's inventory entry in the topic, under `inv:<alert key>`. */
export interface HandedInventory extends InventoryRef {
  v: 1;
}

export const TOLD_PREFIX = 'ntf:';
export const INVENTORY_PREFIX = 'inv:';

/** Resolved states are kept (for their flap history) this long, then deleted by the next loader. */
export const RESOLVED_KEEP_MS = 60 * 60_000;

export const live = (p: PersistedAlert): boolean =>
  p.state === 'pending' || p.state === 'firing' || p.state === 'resolved';

export function toldEntry(key: string, receivers: Record<string, Told>, routingKey: string): StateEntry {
  const value: HandedTold = { v: 1, routingKey, receivers };
  return { key: TOLD_PREFIX + key, value, routingKey };
}

/** Removals first: an entry forgotten and made again in one batch stays. */
export function inventoryEntries(inventory: { add: InventoryRef[]; remove: InventoryRef[] }): StateEntry[] {
  const out: StateEntry[] = [];
  for (const r of inventory.remove)
    out.push({ key: INVENTORY_PREFIX + r.key, value: null, routingKey: r.routingKey });
  for (const r of inventory.add)
    out.push({
      key: INVENTORY_PREFIX + r.key,
      value: { ...r, v: 1 } satisfies HandedInventory,
      routingKey: r.routingKey,
    });
  return out;
}

/** What a newly assigned replica found in the topic for its partitions. */
export interface Loaded {
  states: HandedState[];
  /** Tombstones for resolved states past their use. */
  stale: StateEntry[];
  inventory: InventoryRef[];
  /** Delivery records by alert key. */
  records: Map<string, HandedTold>;
}

export function readLoaded(loaded: Map<string, { value: unknown }>, now: number): Loaded {
  const out: Loaded = { states: [], stale: [], inventory: [], records: new Map() };
  for (const [key, { value }] of loaded) {
    if (key.startsWith(INVENTORY_PREFIX)) {
      const r = value as HandedInventory | null;
      if (r?.v === 1) out.inventory.push(r);
      continue;
    }
    if (key.startsWith(TOLD_PREFIX)) {
      const r = value as HandedTold | null;
      if (r?.v === 1) out.records.set(key.slice(TOLD_PREFIX.length), r);
      continue;
    }
    const s = value as HandedState | null;
    if (!s || s.v !== 1 || !live(s)) continue;
    if (s.state === 'resolved' && now - (s.resolvedAt ?? 0) > RESOLVED_KEEP_MS) {
      out.stale.push({ key, value: null, routingKey: s.routingKey ?? '' });
      continue;
    }
    out.states.push(s);
  }
  return out;
}
