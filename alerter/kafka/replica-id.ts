/**
 * Who a fleet's replica is across its restarts, for the hand-over fence (fence.ts): an id made
 * once and kept in the replica's own state store, which outlives the process and is never
 * shared with another replica (each has its own SQLite file).
 */
import { randomUUID } from 'node:crypto';
import type { StateStore } from '../../core/store/store';

const NS = 'alerter.fleet';
const KEY = 'replica';

export function replicaIdentity(store: StateStore): string {
  let id = store.get<string>(NS, KEY);
  if (!id) {
    id = randomUUID();
    store.put(NS, KEY, id);
  }
  return id;
}
