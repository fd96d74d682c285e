import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { PersistedAlert } from '../engine/engine';
import type { DeliveryNote, Told } from '../notify/types';
import type { Alert, AlertTransition } from '../types';
import { live, toldEntry, TOLD_PREFIX, type HandedState, type HandedTold } from './records';
import type { AdoptedAlert } from './types';

/** Delivery records kept for alerts whose state is not (or no longer) handed off here. */
const MAX_UNFILED = 10_000;
/** Flap history kept per alert: enough for any sane flapping threshold. */
const MAX_CHANGES = 32;

/**
 * What this replica knows of the alerts it owns beyond the engine's state: their flap history,
 * what each receiver was told (only the outbox knows whether a page left, so notify reports
 * it), and the routing key that files both in the alert's partition. A delivery is recorded
 * just after it: a kill between the two, or a delivery racing a graceful rebalance (its record
 * lands after the new owner loaded), repeats that page once on the new owner.
 */
export class AlertLedger {
  private readonly changes = new Map<string, number[]>();
  private readonly told = new Map<string, Record<string, Told>>();
  private readonly routes = new Map<string, string>();
  /**
   * Deliveries of alerts whose state was not handed off yet (a page may leave before the tick
   * that decided it publishes its state): written with that state. Also gathers deliveries of
   * alerts moved away meanwhile, which are never written: hence the cap.
   */
  private readonly unfiled = new Set<string>();

  noteChanges(transitions: readonly AlertTransition[]): void {
    for (const t of transitions) {
      const announced =
        t.to === 'firing' || t.to === 'resolved' || (t.to === 'inactive' && t.from === 'firing');
      if (!announced) continue;
      const list = this.changes.get(t.alert.key) ?? [];
      list.push(t.at);
      if (list.length > MAX_CHANGES) list.splice(0, list.length - MAX_CHANGES);
      this.changes.set(t.alert.key, list);
    }
  }

  /** The entries that hand off one state; keys whose unfiled record rides along go to `filed`. */
  entriesOf(p: PersistedAlert, filed: string[]): StateEntry[] {
    const routingKey = p.routingKey ?? '';
    if (!live(p)) {
      this.changes.delete(p.key);
      this.routes.delete(p.key);
      const out: StateEntry[] = [{ key: p.key, value: null, routingKey }];
      this.unfiled.delete(p.key);
      if (this.told.delete(p.key)) out.push({ key: TOLD_PREFIX + p.key, value: null, routingKey });
      return out;
    }
    this.routes.set(p.key, routingKey);
    const value: HandedState = { ...p, routingKey, v: 1, changes: this.changes.get(p.key) ?? [] };
    const out: StateEntry[] = [{ key: p.key, value, routingKey }];
    const rec = this.told.get(p.key);
    if (this.unfiled.has(p.key) && rec) {
      out.push(toldEntry(p.key, rec, routingKey));
      filed.push(p.key);
    }
    return out;
  }

  /** Only once written: a refused batch is merged into the next and files them then. */
  filed(keys: readonly string[]): void {
    for (const k of keys) this.unfiled.delete(k);
  }

  /** Records a delivery; returns the keys of owned alerts whose record should be written now. */
  recordDelivery(note: DeliveryNote): Set<string> {
    const keys = new Set<string>();
    const mark = (a: { key: string; firedAt?: number }, status: Told['status']): void => {
      const rec = this.told.get(a.key) ?? {};
      rec[note.receiver] = { status, firedAt: a.firedAt, incidentKey: note.incidentKey, at: note.at };
      this.told.set(a.key, rec);
      if (this.routes.has(a.key)) keys.add(a.key);
      else this.park(a.key);
    };
    for (const a of note.firing) mark(a, 'firing');
    for (const a of note.resolved) mark(a, 'resolved');
    return keys;
  }

  private park(key: string): void {
    if (this.unfiled.size >= MAX_UNFILED) {
      for (const k of this.unfiled) this.told.delete(k);
      this.unfiled.clear();
    }
    this.unfiled.add(key);
  }

  /** The delivery records of `keys` as they are now (a later write carries every receiver so far). */
  toldEntries(keys: Iterable<string>): StateEntry[] {
    const entries: StateEntry[] = [];
    for (const k of keys) {
      const rec = this.told.get(k);
      const routingKey = this.routes.get(k);
      if (rec && routingKey !== undefined) entries.push(toldEntry(k, rec, routingKey));
    }
    return entries;
  }

  /**
   * Takes over the loaded states with their delivery records; consumes those records from
   * `records`, so what is left there belongs to states that are gone.
   */
  adopt(states: readonly HandedState[], records: Map<string, HandedTold>): void {
    for (const s of states) {
      this.changes.set(s.key, s.changes ?? []);
      this.routes.set(s.key, s.routingKey ?? '');
      const rec = records.get(s.key);
      this.unfiled.delete(s.key);
      if (rec) this.told.set(s.key, rec.receivers);
      else this.told.delete(s.key);
      records.delete(s.key);
    }
  }

  adopted(alert: Alert): AdoptedAlert {
    return { alert, changes: this.changes.get(alert.key) ?? [], told: { ...this.told.get(alert.key) } };
  }

  /** Forgets the alerts whose route `moved` selects (their records are the new owner's to keep). */
  release(moved: (routingKey: string) => boolean): string[] {
    const out: string[] = [];
    for (const [k, route] of this.routes)
      if (moved(route)) {
        this.routes.delete(k);
        this.told.delete(k);
        out.push(k);
      }
    return out;
  }
}
