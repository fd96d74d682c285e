/**
 * Where each series' groups are, across rules (issue 16, overlapping rules).
 *
 * A sample concerns several rules (4.5 in bench:rules' overlapping case), and each rule kept its
 * groups in a Map of its own: one lookup per rule per sample, each in a different table, so with
 * tens of thousands of groups each lookup was a cache miss or two (a fifth of the engine's time
 * in the profile). Here the event's key is looked up once, in one table per group_by, and its
 * record lists the (rule, group) pairs already found for that series: the next samples of the
 * series reach all their groups from one short array.
 *
 * Records are kept per metric name (and per kind for other events): a container's rules over all
 * its metrics in one record made each rule scan four metrics' pairs for its own (18 pairs in
 * bench:rules, nine cache lines), where its metric's record holds the four or five that concern it.
 *
 * The rules' Maps stay the truth: a pair is only a shortcut, and a group a rule forgets is
 * marked dead (`live = false`), which makes its pair drop out at the next look.
 */
import type { LookoutEvent } from '../../core/events';
import type { LabelGetter } from './labels';
import { groupKey } from './labels';

/** What a pair points at: a group, and whether its rule still holds it. */
export interface Pairable {
  live: boolean;
}

/**
 * One series under one group_by: its key, and (owner, group, header, histograms) entries side by
 * side; header and histograms are a ring group's, for the fast path (fast-path.ts): -1 and
 * undefined for other groups.
 */
export interface SeriesRecord {
  readonly key: string;
  readonly pairs: unknown[];
  /** The values of group_by's labels but the last (which the table is keyed on); the first also inline. */
  readonly v0: string;
  readonly vals: readonly string[];
  /** Another series with the same last value (the same container name on another host). */
  next: SeriesRecord | undefined;
}

/** Entries per pair in `SeriesRecord.pairs`. */
export const PAIR = 4;

export class SeriesIndex {
  /** Tables per group_by id, of each scope (metric name or event kind). */
  private tables: Array<Map<string, SeriesRecord>> = [];
  private readonly scopes = new Map([['', this.tables]]);
  /** The current event's scope, whose tables `tables` is. */
  private scope = '';
  private readonly current: Array<SeriesRecord | undefined> = [];
  private readonly stamps: number[] = [];
  private stamp = 0;
  /** Records at which a sweep for series gone is worth it. */
  private budget = 4_096;
  private size = 0;

  /** Records kept, for tests. */
  get recordCount(): number {
    return this.size;
  }

  /**
   * Whether the event being routed concerns more than one rule. With one, the shortcut does not
   * pay: the rule's own Map is small and warm, and a record would add a lookup in a big table
   * (one group per sample ran 15 % slower through it).
   */
  shared = true;

  /**
   * Call once per event, with whether more than one rule may take it, and its scope: the metric
   * name for a sample, else a name per kind that no metric has (scopeOf).
   */
  next(shared = true, scope = ''): void {
    this.stamp++;
    this.shared = shared;
    // Records are only read when several rules take the event: a metric no two rules read makes
    // no scope (metric names are not bounded).
    if (!shared || scope === this.scope) return;
    this.scope = scope;
    let tables = this.scopes.get(scope);
    if (!tables) this.scopes.set(scope, (tables = []));
    this.tables = tables;
  }

  /** The record of the event's series under group_by number `id` (computed once per event). */
  record(id: number, groupBy: readonly string[], get: LabelGetter): SeriesRecord {
    if (this.stamps[id] === this.stamp) return this.current[id]!;
    let table = this.tables[id];
    if (!table) this.tables[id] = table = new Map<string, SeriesRecord>();
    // Keyed on the last label's value as the event has it (a string whose hash V8 keeps), the
    // others compared: one key of all the values would be a new string per event, allocated,
    // then hashed in full (a tenth of the overlapping profile).
    const last = groupBy.length - 1;
    const first = table.get(last >= 0 ? get(groupBy[last]!) : '');
    let rec = first;
    while (rec && !sameSeries(rec, groupBy, last, get)) rec = rec.next;
    if (!rec) {
      const vals = valuesBefore(groupBy, last, get);
      rec = { key: groupKey(groupBy, get), pairs: [], v0: vals[0] ?? '', vals, next: first };
      table.set(last >= 0 ? get(groupBy[last]!) : '', rec);
      this.size++;
    }
    this.current[id] = rec;
    this.stamps[id] = this.stamp;
    return rec;
  }

  /**
   * The group `owner` has for this series, if the record knows it and the group is live (a dead
   * one's pair is dropped). Only the owner's own group is read: reading every pair's group on the
   * way would touch the other rules' groups, the misses this index is here to save.
   */
  static find<G extends Pairable>(rec: SeriesRecord, owner: object): G | undefined {
    const p = rec.pairs;
    const i = SeriesIndex.indexOf(rec, owner);
    if (i < 0) return undefined;
    const g = p[i + 1] as G;
    if (g.live) return g;
    p.splice(i, PAIR);
    return undefined;
  }

  /** Where `owner`'s pair is in the record's pairs (live or not), or -1. */
  static indexOf(rec: SeriesRecord, owner: object): number {
    const p = rec.pairs;
    for (let i = 0; i < p.length; i += PAIR) if (p[i] === owner) return i;
    return -1;
  }

  /** Drops the pairs of groups no longer live, from every record (after a rule reload). */
  prune(): void {
    for (const table of this.allTables()) {
      if (!table) continue;
      for (const head of table.values())
        for (let rec: SeriesRecord | undefined = head; rec; rec = rec.next) dropDead(rec.pairs);
    }
  }

  static remember(rec: SeriesRecord, owner: object, g: Pairable, header = -1, hist?: object): void {
    rec.pairs.push(owner, g, header, hist);
  }

  /** Forgets the records whose groups are all gone, once enough have piled up (the engine's tick). */
  sweep(): void {
    if (this.size <= this.budget) return;
    let size = 0;
    for (const table of this.allTables()) {
      if (!table) continue;
      for (const [key, head] of table) {
        const kept = dropEmpty(head);
        size += kept.n;
        if (kept.head) table.set(key, kept.head);
        else table.delete(key);
      }
    }
    this.size = size;
    this.budget = 2 * size + 4_096;
  }

  private *allTables(): Iterable<Map<string, SeriesRecord> | undefined> {
    for (const tables of this.scopes.values()) yield* tables;
  }
}

const KIND_SCOPES: Record<string, string> = {};

/** The series index scope of an event: its metric name, or (no metric has it) its kind's. */
export function scopeOf(ev: LookoutEvent): string {
  if (ev.kind === 'metric') return ev.name;
  return (KIND_SCOPES[ev.kind] ??= `\u0000${ev.kind}`);
}

/** Drops dead pairs along a chain and unlinks the records left empty; the new head and how many stay. */
function dropEmpty(head: SeriesRecord): { head: SeriesRecord | undefined; n: number } {
  let first: SeriesRecord | undefined;
  let prev: SeriesRecord | undefined;
  let n = 0;
  for (let rec: SeriesRecord | undefined = head; rec;) {
    const next: SeriesRecord | undefined = rec.next;
    dropDead(rec.pairs);
    if (rec.pairs.length > 0) {
      rec.next = undefined;
      if (prev) prev.next = rec;
      else first = rec;
      prev = rec;
      n++;
    }
    rec = next;
  }
  return { head: first, n };
}

/**
 * The event's values of group_by's labels but the last. Out of `record`: a closure there that
 * reads `get` would make V8 allocate a context for every call, found or not (43 bytes a lookup,
 * a scavenge every 100 ms in bench:rules).
 */
function valuesBefore(groupBy: readonly string[], last: number, get: LabelGetter): string[] {
  const vals: string[] = [];
  for (let i = 0; i < last; i++) vals.push(get(groupBy[i]!));
  return vals;
}

/** Whether the event's values of group_by's labels but the last are `rec`'s. */
function sameSeries(rec: SeriesRecord, groupBy: readonly string[], last: number, get: LabelGetter): boolean {
  if (last <= 0) return true;
  if (get(groupBy[0]!) !== rec.v0) return false;
  for (let i = 1; i < last; i++) if (get(groupBy[i]!) !== rec.vals[i]) return false;
  return true;
}

function dropDead(pairs: unknown[]): void {
  let to = 0;
  for (let i = 0; i < pairs.length; i += PAIR) {
    if (!(pairs[i + 1] as Pairable).live) continue;
    for (let k = 0; k < PAIR; k++) pairs[to + k] = pairs[i + k];
    to += PAIR;
  }
  pairs.length = to;
}
