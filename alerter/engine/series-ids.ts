import { KeyCache, type LabelGetter } from './labels';

/** One grouping's ids: key → id, id → key, how many groups hold each id, and ids to reuse. */
class Grouping {
  readonly ids = new Map<string, number>();
  readonly keys: Array<string | undefined> = [];
  readonly holds: number[] = [];
  readonly free: number[] = [];
}

/**
 * Dense integer ids for group keys, one id space per distinct group_by (issue 16). The engine
 * looks an event's key up once here; each rule then finds its group by the integer (IdTable),
 * not by hashing and comparing the key string again per rule. An id lives while some rule's
 * group holds it: when the last one lets go (the series went quiet and its groups were
 * forgotten), the id goes back for reuse, so containers coming and going do not grow the tables.
 */
export class SeriesIds {
  private readonly cache = new KeyCache();
  private readonly groupings: Grouping[] = [];
  /** The id of the event being routed, per grouping, valid while `stamps[g]` is the event's stamp. */
  private readonly current: number[] = [];
  private readonly stamps: number[] = [];
  private stamp = 0;

  /** Call once per event. */
  next(): void {
    this.cache.next();
    this.stamp++;
  }

  /** The event's group key under this grouping (computed once per event). */
  key(grouping: number, keyBy: readonly string[], get: LabelGetter): string {
    return this.cache.key(grouping, keyBy, get);
  }

  /** The event's series id under this grouping; a new key gets an id (held by no group yet). */
  id(grouping: number, keyBy: readonly string[], get: LabelGetter): number {
    if (this.stamps[grouping] === this.stamp) return this.current[grouping]!;
    const g = (this.groupings[grouping] ??= new Grouping());
    const key = this.cache.key(grouping, keyBy, get);
    let id = g.ids.get(key);
    if (id === undefined) {
      id = g.free.pop() ?? g.keys.length;
      g.ids.set(key, id);
      g.keys[id] = key;
      g.holds[id] = 0;
    }
    this.current[grouping] = id;
    this.stamps[grouping] = this.stamp;
    return id;
  }

  /** A group now answers to this id. */
  hold(grouping: number, id: number): void {
    const g = this.groupings[grouping]!;
    g.holds[id] = g.holds[id]! + 1;
  }

  /** A group no longer answers to this id; the last one out frees it. */
  release(grouping: number, id: number): void {
    const g = this.groupings[grouping]!;
    const left = g.holds[id]! - 1;
    g.holds[id] = left;
    if (left > 0) return;
    g.ids.delete(g.keys[id]!);
    g.keys[id] = undefined;
    g.free.push(id);
    // The event being routed may have this id cached: look it up afresh.
    if (this.current[grouping] === id) this.stamps[grouping] = -1;
  }

  /** Ids in use under a grouping, for tests and the memory figure. */
  live(grouping: number): number {
    return this.groupings[grouping]?.ids.size ?? 0;
  }
}
