/**
 * The engine's fast path for a quiet sample of a ring rule (threshold), issue 16.
 *
 * With 44 800 groups (bench:rules, overlapping) every sample lands in groups far apart in
 * memory, and the profile put the time in reaching each group object: its `live` flag, its ring
 * fields, its alert state, each a cache miss or two. Yet almost every sample is quiet: it falls
 * in the ring's newest bucket, the window's cached aggregate stays valid, and no transition is
 * due (the condition does not hold and the alert is inactive or resolved, or it holds and the
 * alert is firing or pending within its `for`), so all the sample changes is the aggregates, the
 * alert's last value and, while the condition holds, lastActiveAt. All of that, and the alert's state, live in the ring's header (the
 * group's flags below), and the headers of one series' groups lie side by side in one array
 * (they are allocated as the series' first sample creates them). So a quiet sample is decided
 * from the headers alone (a percentile rule's also feeds its histograms, which the series record
 * points at directly); anything else (a new bucket, a late sample, a stale window aggregate, a
 * transition due, a held or dead group) goes the whole way, through the group object, as before.
 */
import type { MetricSample } from '../../core/events';
import type { AlertState } from '../types';
import type { Op } from './condition';
import { histBin, type SlotHistograms } from './histogram';
import {
  H_CBID,
  H_CUR_COUNT,
  H_CUR_INC,
  H_CUR_MAX,
  H_CUR_MIN,
  H_CUR_SUM,
  H_COUNT,
  H_INC,
  H_LAST_TS,
  H_LAST_V,
  H_MAX,
  H_MAXBID,
  H_MIN,
  H_OWNER,
  H_SUM,
  countNewest,
  countNewestInWindow,
  ringHeaders,
  windowQuantile,
  type Layout,
} from './window';

// A ring group's flags, in its header's second owner number (group.ts): dead (its rule forgot
// it), held (restored, windows refilling), the alert state (two bits), and which of the optional
// numbers are set.
export const FLAG_VALUE = 1;
export const FLAG_DEAD = 2;
export const FLAG_HELD = 4;
export const STATE_BITS = 8 | 16;
export const FLAG_ACTIVE_AT = 32;
export const FLAG_LAST_ACTIVE = 64;
const INACTIVE = 0;
const RESOLVED = 8;
const PENDING = 16;
const FIRING = 24;
const CODES: Record<AlertState, number> = {
  inactive: INACTIVE,
  resolved: RESOLVED,
  pending: PENDING,
  firing: FIRING,
};
const STATES: AlertState[] = ['inactive', 'resolved', 'pending', 'firing'];
/** Flags under which a sample must go the whole way. */
const NOT_QUIET = FLAG_DEAD | FLAG_HELD;

// The group's numbers in its ring's header (group.ts: owner numbers 0 to 3).
const H_VALUE = H_OWNER;
const H_FLAGS = H_OWNER + 1;
const H_ACTIVE_AT = H_OWNER + 2;
const H_LAST_ACTIVE = H_OWNER + 3;

export function stateCode(s: AlertState): number {
  return CODES[s];
}

export function stateOf(flags: number): AlertState {
  return STATES[(flags & STATE_BITS) >> 3]!;
}

/** Reducers by code (FastReduce.reduce), then percentiles. */
export const FAST_REDUCERS = ['avg', 'min', 'max', 'sum', 'count', 'rate', 'last'] as const;
export const FAST_QUANTILE = FAST_REDUCERS.length;
/** Comparisons by code (FastReduce.op). */
export const FAST_OPS: readonly Op[] = ['>', '>=', '<', '<=', '==', '!='];

/**
 * A threshold rule's reducer and condition as data (threshold.ts), which the fast path computes
 * over a ring's header as the rule's closures do over the ring.
 */
export interface FastReduce {
  /** Index in FAST_REDUCERS, or FAST_QUANTILE. */
  reduce: number;
  /** rate: the window in seconds; a percentile: its quantile (0..1). */
  arg: number;
  /** Index in FAST_OPS. */
  op: number;
  threshold: number;
  /** NaN when the rule has no `clear`. */
  clear: number;
}

/** What `ingest` did with a sample. */
export const NOTHING = 0; // nothing changed: the caller takes the whole path
export const ADDED = 1; // in the window; the caller evaluates the group
export const DONE = 2; // in the window and evaluated: nothing else to do

export class FastPath {
  // The layout's and the reducer's numbers, copied here: a sample of each of a thousand rules
  // would otherwise read three objects per rule (this, the layout, the reducer), each a cache
  // line that the stream of ring headers keeps pushing out.
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly slots: number;
  private readonly minmax: boolean;
  private readonly keepInc: boolean;
  private readonly reduceCode: number;
  private readonly arg: number;
  private readonly op: number;
  private readonly threshold: number;
  private readonly clear: number;

  constructor(
    l: Layout,
    reduce: FastReduce,
    /** The rule's `for`. */
    private readonly forMs: number,
  ) {
    this.bucketMs = l.bucketMs;
    this.buckets = l.buckets;
    this.slots = l.slots;
    this.minmax = l.oMin >= 0;
    this.keepInc = l.oInc >= 0;
    this.reduceCode = reduce.reduce;
    this.arg = reduce.arg;
    this.op = reduce.op;
    this.threshold = reduce.threshold;
    this.clear = reduce.clear;
  }

  /**
   * `ingest` of a sample for the series pair at `i` (series.ts: owner, group, header, histograms).
   * Takes the sample, not its numbers: a number passed to a call V8 does not inline is boxed.
   */
  ingestPair(p: readonly unknown[], i: number, ev: MetricSample, now: number): number {
    return this.ingest(p[i + 2] as number, p[i + 3] as SlotHistograms | undefined, ev, now);
  }

  /**
   * Adds the sample to the ring whose header is at `h` and evaluates its group, when both are
   * quiet: the same writes Ring.add's newest-bucket branch and a `step` without a transition make.
   */
  ingest(h: number, hist: SlotHistograms | undefined, ev: MetricSample, now: number): number {
    const ts = ev.ts;
    const v = ev.value;
    const hot = ringHeaders();
    const flags = hot[h + H_FLAGS]!;
    if ((flags & NOT_QUIET) !== 0) return NOTHING;
    const bid = Math.floor(ts / this.bucketMs);
    const lastTs = hot[h + H_LAST_TS]!;
    if (bid !== hot[h + H_MAXBID] || ts < lastTs) return NOTHING;
    let inc = 0;
    if (lastTs !== -Infinity) {
      const lv = hot[h + H_LAST_V]!;
      inc = v >= lv ? v - lv : v;
    }
    hot[h + H_LAST_V] = v;
    hot[h + H_LAST_TS] = ts;
    hot[h + H_CUR_COUNT] = hot[h + H_CUR_COUNT]! + 1;
    hot[h + H_CUR_SUM] = hot[h + H_CUR_SUM]! + v;
    if (this.minmax) {
      if (v < hot[h + H_CUR_MIN]!) hot[h + H_CUR_MIN] = v;
      if (v > hot[h + H_CUR_MAX]!) hot[h + H_CUR_MAX] = v;
    }
    if (this.keepInc) hot[h + H_CUR_INC] = hot[h + H_CUR_INC]! + inc;
    let hi = 0;
    if (hist) {
      // Computed here rather than by hist.binOf: its cache would be the histogram object's
      // cache line, which a quiet sample no longer touches.
      hi = histBin(v);
      countNewest(hot, h, hist, this.slots, hi);
    }
    const cBid = hot[h + H_CBID]!;
    if (bid <= cBid && bid > cBid - this.buckets) {
      hot[h + H_COUNT] = hot[h + H_COUNT]! + 1;
      hot[h + H_SUM] = hot[h + H_SUM]! + v;
      if (v < hot[h + H_MIN]!) hot[h + H_MIN] = v;
      if (v > hot[h + H_MAX]!) hot[h + H_MAX] = v;
      hot[h + H_INC] = hot[h + H_INC]! + inc;
      if (hist) countNewestInWindow(hot, h, hi);
    } else if (bid > cBid) {
      hot[h + H_CBID] = -Infinity;
    }
    // The window's aggregate is the cached one only while `now` is in its end bucket.
    if (Math.floor(now / this.bucketMs) !== hot[h + H_CBID]) return ADDED;
    const count = hot[h + H_COUNT]!;
    if (count === 0) return ADDED; // no data: `on_no_data` is the whole path's business
    const value = this.value(hot, h, hist, count);
    if (!this.steady(hot, h, flags, value, now)) return ADDED;
    hot[h + H_VALUE] = value;
    hot[h + H_FLAGS] = flags | FLAG_VALUE;
    return DONE;
  }

  /** The rule's `reduce` over a window of `count` (> 0) samples, as threshold.ts' reducer. */
  private value(hot: Float64Array, h: number, hist: SlotHistograms | undefined, count: number): number {
    switch (this.reduceCode) {
      case 0:
        return hot[h + H_SUM]! / count;
      case 1:
        return hot[h + H_MIN]!;
      case 2:
        return hot[h + H_MAX]!;
      case 3:
        return hot[h + H_SUM]!;
      case 4:
        return count;
      case 5:
        return hot[h + H_INC]! / this.arg;
      case 6:
        return hot[h + H_LAST_V]!;
      default:
        return hist ? windowQuantile(hot, h, hist, count, this.arg) : NaN;
    }
  }

  /** The rule's condition, as threshold.ts' `condition`. */
  private holds(v: number, firing: boolean): boolean {
    const clear = this.clear;
    if (firing && clear === clear) return this.op <= 1 ? v > clear : v < clear; // clear is not NaN
    const t = this.threshold;
    switch (this.op) {
      case 0:
        return v > t;
      case 1:
        return v >= t;
      case 2:
        return v < t;
      case 3:
        return v <= t;
      case 4:
        return v === t;
      default:
        return v !== t;
    }
  }

  /**
   * Whether `step` (state.ts) would make no transition for this value; if so, the writes it
   * makes besides the value (lastActiveAt while the condition holds) are made here.
   */
  private steady(hot: Float64Array, h: number, flags: number, value: number, now: number): boolean {
    const state = flags & STATE_BITS;
    if (!this.holds(value, state === FIRING)) return state === INACTIVE || state === RESOLVED;
    if (state === PENDING) {
      // Pending until `for` has elapsed since activeAt (unset: step would fire; let it).
      if ((flags & FLAG_ACTIVE_AT) === 0 || !(now - hot[h + H_ACTIVE_AT]! < this.forMs)) return false;
    } else if (state !== FIRING) return false;
    hot[h + H_LAST_ACTIVE] = now;
    hot[h + H_FLAGS] = flags | FLAG_LAST_ACTIVE;
    return true;
  }
}
