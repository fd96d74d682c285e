/* eslint-disable max-lines, max-lines-per-function -- the hot path of every metric rule: one ring, its flat header pool and Ring.add inlined in one module, so a sample costs no calls across modules (bench:rules measures it); percentile histograms alone live in histogram.ts */
/**
 * A sliding window over event time, kept as per-bucket aggregates in a ring (never the samples
 * themselves): count, sum, min, max and the counter increase per bucket, plus an optional
 * log-scale histogram for percentiles. The aggregate over the window is cached for the current
 * end bucket and updated in place as samples arrive, so a sample costs O(1) and the ring is
 * rescanned at most once per bucket period.
 */
import { binValue, SlotHistograms } from './histogram';

// Fields of one slot (one bucket); min, max and inc follow when the ring keeps them.
const F_ID = 0;
const F_COUNT = 1;
const F_SUM = 2;

export interface WindowStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Counter increase (resets handled) within the window. */
  inc: number;
}

export interface WindowShape {
  bucketMs: number;
  /** Buckets that make one window. */
  buckets: number;
  /** Ring size: the window(s) plus room for late events. */
  slots: number;
}

/** Buckets of at least 250 ms, about 30 per window; extra slots hold `lateness` and, for spike, the previous window. */
export function windowShape(windowMs: number, latenessMs: number, windows = 1): WindowShape {
  const bucketMs = Math.max(250, Math.ceil(windowMs / 30 / 250) * 250);
  const buckets = Math.max(1, Math.ceil(windowMs / bucketMs));
  const slots = buckets * windows + Math.ceil(latenessMs / bucketMs) + 1;
  return { bucketMs, buckets, slots };
}

export interface RingOptions {
  /** Keep min and max per bucket (min/max reducers). */
  minmax?: boolean;
  /** Keep the counter increase per bucket (rate). */
  inc?: boolean;
  /** Keep a log-scale histogram per bucket (percentiles). */
  histogram?: boolean;
}

/** How to build a rule's rings, for an evaluator whose group state is a bare ring (see group.ts). */
export interface RingSpec {
  shape: WindowShape;
  options: RingOptions;
}

/** What a ring of one shape and set of fields looks like: shared by all rings of a rule. */
export interface Layout {
  bucketMs: number;
  slots: number;
  buckets: number;
  stride: number;
  /** Offset of min (max follows) within a slot, or -1. */
  oMin: number;
  /** Offset of the counter increase within a slot, or -1. */
  oInc: number;
  hist: boolean;
  /** Float64 elements of a ring's slots. */
  size: number;
  /** The shape the layout was made for (kept here, not in each ring: see Ring's fields). */
  shape: WindowShape;
}

// Fields of a ring's header (in the pool below; exported for the engine's fast path, fast-path.ts): the newest bucket (its aggregates live here
// while it is the newest, and go to its slot when a newer one starts), the cached window
// aggregate and the last sample. What avg, count, sum and last need comes first, in 64 bytes.
export const H_MAXBID = 0;
export const H_CBID = 1;
export const H_LAST_TS = 2;
export const H_LAST_V = 3;
export const H_COUNT = 4;
export const H_SUM = 5;
export const H_CUR_COUNT = 6;
export const H_CUR_SUM = 7;
export const H_MIN = 8;
export const H_MAX = 9;
export const H_INC = 10;
export const H_CUR_MIN = 11;
export const H_CUR_MAX = 12;
export const H_CUR_INC = 13;
// Free for the ring's owner (see ownerNumber): a group keeps its alert's last value here.
export const H_OWNER = 14;
// The newest bucket's run of one histogram bin not yet in its slot's histogram (see countNewest),
// and how many of the run's samples count in the cached window but are not yet in the window's
// histogram either.
const H_RUN_BIN = 18;
const H_RUN = 19;
const H_RUN_WINDOW = 20;
// The window's quantile as last answered: its bin (NaN: unknown), and how many of the window's
// samples lie in lower bins and in that bin; kept up to date as samples join (windowQuantile).
const H_Q_BIN = 21;
const H_Q_BELOW = 22;
const H_Q_AT = 23;
/**
 * Header stride in the pool (24 fields, 4 of them the owner's): 192 bytes, three cache lines; what
 * a quiet sample of a quiet alert touches is in the first two, a percentile rule's in the third.
 */
const H_STRIDE = 24;

/**
 * The headers of all rings, side by side in one array: with tens of thousands of groups, every
 * sample lands in a different ring, and what decides the cost is how much memory those samples
 * touch. Headers packed together (192 bytes per group) stay in cache and in the TLB's reach;
 * headers inside each ring's own array (a kilobyte or more with its slots) did not.
 * A ring's header returns to the pool when the ring is garbage-collected.
 */
const pool = {
  data: new Float64Array(H_STRIDE * 1024),
  next: 0,
  free: [] as number[],
};
const reclaim = new FinalizationRegistry<number>((h) => pool.free.push(h));

function allocHeader(): number {
  const h = pool.free.pop();
  if (h !== undefined) return h;
  if (pool.next + H_STRIDE > pool.data.length) {
    const bigger = new Float64Array(pool.data.length * 2);
    bigger.set(pool.data);
    pool.data = bigger;
  }
  const at = pool.next;
  pool.next += H_STRIDE;
  return at;
}

function slotOfBid(bid: number, slots: number): number {
  const slot = bid % slots;
  return slot < 0 ? slot + slots : slot; // event time before 1970 (a test's negative offsets)
}

/**
 * Counts histogram bin `bin` for the newest bucket of the ring whose header is at `h`. A series
 * mostly repeats its bin, so a run of one bin is counted in the header, and goes to the slot's
 * histogram (an array of its own, a cache miss or two away) when the bin changes, the bucket
 * ends or the window is rescanned (flushRun): once per run instead of once per sample.
 */
export function countNewest(
  hot: Float64Array,
  h: number,
  hist: SlotHistograms,
  slots: number,
  bin: number,
): void {
  const run = hot[h + H_RUN]!;
  if (run !== 0 && hot[h + H_RUN_BIN] === bin) {
    hot[h + H_RUN] = run + 1;
    return;
  }
  if (run !== 0) flushRun(hot, h, hist, slots);
  hot[h + H_RUN_BIN] = bin;
  hot[h + H_RUN] = 1;
}

/**
 * Counts bin `bin` in the cached window, for a sample in the newest bucket just counted by
 * countNewest (so its bin is the run's): the window's histogram gets it with the run, in one go.
 * Keeps the quantile's counts in step.
 */
export function countNewestInWindow(hot: Float64Array, h: number, bin: number): void {
  hot[h + H_RUN_WINDOW] = hot[h + H_RUN_WINDOW]! + 1;
  countInQuantile(hot, h, bin);
}

function countInQuantile(hot: Float64Array, h: number, bin: number): void {
  const qBin = hot[h + H_Q_BIN]!;
  if (bin < qBin) hot[h + H_Q_BELOW] = hot[h + H_Q_BELOW]! + 1;
  else if (bin === qBin) hot[h + H_Q_AT] = hot[h + H_Q_AT]! + 1;
}

/**
 * Quantile q of the cached window's `count` samples. While the bin last answered still holds the
 * rank (the counts below and in it say so), that bin is the answer without reading the
 * histograms: a steady series' samples keep it, and a percentile rule's quiet sample touches its
 * header alone. Else the window's histogram answers, and its answer is kept.
 */
export function windowQuantile(
  hot: Float64Array,
  h: number,
  hist: SlotHistograms,
  count: number,
  q: number,
): number {
  const qBin = hot[h + H_Q_BIN]!;
  const rank = q * count;
  const below = hot[h + H_Q_BELOW]!; // Infinity while the bin is unknown
  if (below < rank && below + hot[h + H_Q_AT]! >= rank) return binValue(qBin);
  flushRunWindow(hot, h, hist);
  const bin = hist.quantileBin(count, q);
  if (bin !== bin) {
    forgetQuantile(hot, h);
    return hist.quantile(count, q);
  }
  hot[h + H_Q_BIN] = bin;
  hot[h + H_Q_BELOW] = hist.below;
  hot[h + H_Q_AT] = hist.at;
  return binValue(bin);
}

/** Puts the run's samples that count in the window into the window's histogram. */
function flushRunWindow(hot: Float64Array, h: number, hist: SlotHistograms): void {
  const n = hot[h + H_RUN_WINDOW]!;
  if (n === 0) return;
  hist.addToWindow(hot[h + H_RUN_BIN]!, n);
  hot[h + H_RUN_WINDOW] = 0;
}

/** Puts the newest bucket's pending run into its slot's histogram, before anything reads the slots. */
function flushRun(hot: Float64Array, h: number, hist: SlotHistograms, slots: number): void {
  const run = hot[h + H_RUN]!;
  if (run === 0) return;
  hist.addToSlot(slotOfBid(hot[h + H_MAXBID]!, slots), hot[h + H_RUN_BIN]!, run);
  flushRunWindow(hot, h, hist);
  hot[h + H_RUN] = 0;
}

/** The window's histogram is rebuilt or changed outside the run: the quantile's counts are unknown. */
function forgetQuantile(hot: Float64Array, h: number): void {
  hot[h + H_Q_BIN] = NaN;
  hot[h + H_Q_BELOW] = Infinity;
}

/** The headers of all rings (the array is replaced when the pool grows: read it per use). */
export function ringHeaders(): Float64Array {
  return pool.data;
}

/** Headers in use and the pool's size in groups, for tests. */
export function headerPoolStats(): { capacity: number; used: number } {
  return { capacity: pool.data.length / H_STRIDE, used: pool.next / H_STRIDE - pool.free.length };
}

const layouts = new WeakMap<WindowShape, Map<number, Layout>>();

/** The layout every ring built from `spec` has (the same object). */
export function ringLayout(spec: RingSpec): Layout {
  return layoutOf(spec.shape, spec.options);
}

function layoutOf(shape: WindowShape, opts: RingOptions): Layout {
  const bits = (opts.minmax ? 1 : 0) | (opts.inc ? 2 : 0) | (opts.histogram ? 4 : 0);
  let byBits = layouts.get(shape);
  if (!byBits) layouts.set(shape, (byBits = new Map<number, Layout>()));
  let l = byBits.get(bits);
  if (l) return l;
  let stride = 3;
  const oMin = opts.minmax ? stride : -1;
  if (opts.minmax) stride += 2;
  const oInc = opts.inc ? stride : -1;
  if (opts.inc) stride += 1;
  l = {
    bucketMs: shape.bucketMs,
    slots: shape.slots,
    buckets: shape.buckets,
    stride,
    oMin,
    oInc,
    hist: opts.histogram === true,
    size: shape.slots * stride,
    shape,
  };
  byBits.set(bits, l);
  return l;
}

/**
 * Memory per group is what limits throughput with tens of thousands of groups (every sample
 * lands in a different one: cache misses). A ring keeps its slots in its own typed array, each
 * with only the fields its reducer needs, plus a header in the shared pool: the newest bucket (its
 * aggregates stay in the header while it is the newest, and go to its slot when a newer one
 * starts), the cached window aggregate and the last sample. A sample in the newest bucket, the
 * usual case, touches the header alone.
 */
export class Ring implements WindowStats {
  // Declared in the order a sample reads them (fields are laid out in declaration order).
  private readonly l: Layout;
  /** Offset of this ring's header in `pool.data`. */
  private readonly h: number;
  /** Per-slot and window histograms (percentile reducers only); the window one is valid while the cached aggregate is. */
  private readonly hist: SlotHistograms | undefined;
  /** The slots; touched when a bucket starts, for late samples and when the window moves. */
  private readonly d: Float64Array;

  constructor(shape: WindowShape, opts: RingOptions = {}) {
    const l = layoutOf(shape, opts);
    const h = allocHeader();
    this.l = l;
    this.h = h;
    this.hist = l.hist ? new SlotHistograms(l.slots) : undefined;
    this.d = new Float64Array(l.size);
    reclaim.register(this, h);
    const hot = pool.data;
    hot.fill(0, h, h + H_STRIDE);
    hot[h + H_MAXBID] = -Infinity;
    hot[h + H_CBID] = -Infinity;
    hot[h + H_LAST_TS] = -Infinity;
    hot[h + H_LAST_V] = NaN;
    hot[h + H_MIN] = Infinity;
    hot[h + H_MAX] = -Infinity;
    hot[h + H_CUR_MIN] = Infinity;
    hot[h + H_CUR_MAX] = -Infinity;
    forgetQuantile(hot, h);
    // Empty slots: -Infinity is older than any bucket, so no window or range takes them.
    for (let s = 0; s < l.slots; s++) this.d[s * l.stride + F_ID] = -Infinity;
  }

  /** Read from the layout: a field of its own would sit between the ring's hot fields and its owner's. */
  get shape(): WindowShape {
    return this.l.shape;
  }

  /** Offset of this ring's header in ringHeaders(), for the engine's fast path. */
  get header(): number {
    return this.h;
  }

  /** The ring's percentile histograms, for the engine's fast path. */
  get histograms(): SlotHistograms | undefined {
    return this.hist;
  }

  get count(): number {
    return pool.data[this.h + H_COUNT]!;
  }
  get sum(): number {
    return pool.data[this.h + H_SUM]!;
  }
  get min(): number {
    return pool.data[this.h + H_MIN]!;
  }
  get max(): number {
    return pool.data[this.h + H_MAX]!;
  }
  get inc(): number {
    return pool.data[this.h + H_INC]!;
  }
  get lastValue(): number {
    return pool.data[this.h + H_LAST_V]!;
  }
  get lastTs(): number {
    return pool.data[this.h + H_LAST_TS]!;
  }

  /**
   * Four numbers the ring's owner keeps in the header (0 until set). A number in an object's
   * own field is a separate heap box on V8, written on every sample: one more cache miss.
   */
  protected ownerNumber(i: 0 | 1 | 2 | 3): number {
    return pool.data[this.h + H_OWNER + i]!;
  }

  protected setOwnerNumber(i: 0 | 1 | 2 | 3, v: number): void {
    pool.data[this.h + H_OWNER + i] = v;
  }

  /** Adds one sample at event time `ts`. Returns false when `ts` is older than the ring holds. */
  add(ts: number, v: number): boolean {
    const l = this.l;
    const hot = pool.data;
    const h = this.h;
    const bid = Math.floor(ts / l.bucketMs);
    const maxBid = hot[h + H_MAXBID]!;
    let slot = -1;
    if (bid > maxBid) this.advance(bid);
    else if (bid < maxBid) {
      slot = this.older(bid, maxBid);
      if (slot < 0) return false;
    }
    let inc = 0;
    const lastTs = hot[h + H_LAST_TS]!;
    if (ts >= lastTs) {
      if (lastTs !== -Infinity) {
        const lv = hot[h + H_LAST_V]!;
        inc = v >= lv ? v - lv : v;
      }
      hot[h + H_LAST_V] = v;
      hot[h + H_LAST_TS] = ts;
    }
    const minmax = l.oMin >= 0;
    const keepInc = l.oInc >= 0;
    if (slot < 0) {
      hot[h + H_CUR_COUNT] = hot[h + H_CUR_COUNT]! + 1;
      hot[h + H_CUR_SUM] = hot[h + H_CUR_SUM]! + v;
      if (minmax) {
        if (v < hot[h + H_CUR_MIN]!) hot[h + H_CUR_MIN] = v;
        if (v > hot[h + H_CUR_MAX]!) hot[h + H_CUR_MAX] = v;
      }
      if (keepInc) hot[h + H_CUR_INC] = hot[h + H_CUR_INC]! + inc;
    } else {
      const o = slot * l.stride;
      this.d[o + F_COUNT] = this.d[o + F_COUNT]! + 1;
      this.d[o + F_SUM] = this.d[o + F_SUM]! + v;
      if (minmax) {
        if (v < this.d[o + l.oMin]!) this.d[o + l.oMin] = v;
        if (v > this.d[o + l.oMin + 1]!) this.d[o + l.oMin + 1] = v;
      }
      if (keepInc) this.d[o + l.oInc] = this.d[o + l.oInc]! + inc;
    }
    let hi = 0;
    const hist = this.hist;
    if (hist) {
      hi = hist.binOf(v);
      if (slot < 0) countNewest(hot, h, hist, l.slots, hi);
      else hist.addToSlot(slot, hi);
    }
    // Keep the cached window aggregate in step when the sample falls inside it.
    const cBid = hot[h + H_CBID]!;
    if (bid <= cBid && bid > cBid - l.buckets) {
      hot[h + H_COUNT] = hot[h + H_COUNT]! + 1;
      hot[h + H_SUM] = hot[h + H_SUM]! + v;
      if (v < hot[h + H_MIN]!) hot[h + H_MIN] = v;
      if (v > hot[h + H_MAX]!) hot[h + H_MAX] = v;
      hot[h + H_INC] = hot[h + H_INC]! + inc;
      if (hist && slot < 0) countNewestInWindow(hot, h, hi);
      else if (hist) {
        hist.addToWindow(hi);
        countInQuantile(hot, h, hi);
      }
    } else if (bid > cBid) {
      hot[h + H_CBID] = -Infinity;
    }
    return true;
  }

  private slotOf(bid: number): number {
    return slotOfBid(bid, this.l.slots);
  }

  /** A newer bucket starts: the newest one's aggregates go to its slot, the new one's slot is emptied. */
  private advance(bid: number): void {
    const l = this.l;
    const hot = pool.data;
    const h = this.h;
    const maxBid = hot[h + H_MAXBID]!;
    if (this.hist) flushRun(hot, h, this.hist, l.slots);
    if (maxBid !== -Infinity) {
      const o = this.slotOf(maxBid) * l.stride;
      this.d[o + F_COUNT] = hot[h + H_CUR_COUNT]!;
      this.d[o + F_SUM] = hot[h + H_CUR_SUM]!;
      if (l.oMin >= 0) {
        this.d[o + l.oMin] = hot[h + H_CUR_MIN]!;
        this.d[o + l.oMin + 1] = hot[h + H_CUR_MAX]!;
      }
      if (l.oInc >= 0) this.d[o + l.oInc] = hot[h + H_CUR_INC]!;
    }
    const slot = this.slotOf(bid);
    this.d[slot * l.stride + F_ID] = bid;
    this.hist?.clearSlot(slot);
    hot[h + H_MAXBID] = bid;
    hot[h + H_CUR_COUNT] = 0;
    hot[h + H_CUR_SUM] = 0;
    hot[h + H_CUR_MIN] = Infinity;
    hot[h + H_CUR_MAX] = -Infinity;
    hot[h + H_CUR_INC] = 0;
  }

  /**
   * The slot for a sample older than the newest bucket, emptied if it held an expired bucket;
   * -1 when the ring no longer holds that time (or a newer bucket took the slot).
   */
  private older(bid: number, maxBid: number): number {
    const l = this.l;
    const slot = this.slotOf(bid);
    const o = slot * l.stride;
    const id = this.d[o + F_ID]!;
    if (id > bid || bid <= maxBid - l.slots) return -1;
    if (id !== bid) {
      this.d[o + F_ID] = bid;
      this.d[o + F_COUNT] = 0;
      this.d[o + F_SUM] = 0;
      if (l.oMin >= 0) {
        this.d[o + l.oMin] = Infinity;
        this.d[o + l.oMin + 1] = -Infinity;
      }
      if (l.oInc >= 0) this.d[o + l.oInc] = 0;
      this.hist?.clearSlot(slot);
    }
    return slot;
  }

  /** The aggregate over the window that ends with the bucket holding `now` (this ring, refreshed). */
  stats(now: number): WindowStats {
    const endBid = Math.floor(now / this.l.bucketMs);
    if (endBid !== pool.data[this.h + H_CBID]) this.rescan(endBid);
    return this;
  }

  private rescan(endBid: number): void {
    const { slots, buckets, stride, oMin, oInc } = this.l;
    const hot = pool.data;
    const h = this.h;
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let inc = 0;
    const hist = this.hist;
    if (hist) {
      flushRun(hot, h, hist, slots);
      forgetQuantile(hot, h);
      hist.clearWindow();
    }
    const maxBid = hot[h + H_MAXBID]!;
    for (let s = 0; s < slots; s++) {
      const o = s * stride;
      const id = this.d[o + F_ID]!;
      if (id > endBid || id <= endBid - buckets) continue;
      if (id === maxBid) {
        // The newest bucket: its aggregates are in the header.
        count += hot[h + H_CUR_COUNT]!;
        sum += hot[h + H_CUR_SUM]!;
        if (hot[h + H_CUR_MIN]! < min) min = hot[h + H_CUR_MIN]!;
        if (hot[h + H_CUR_MAX]! > max) max = hot[h + H_CUR_MAX]!;
        inc += hot[h + H_CUR_INC]!;
      } else {
        count += this.d[o + F_COUNT]!;
        sum += this.d[o + F_SUM]!;
        if (oMin >= 0) {
          if (this.d[o + oMin]! < min) min = this.d[o + oMin]!;
          if (this.d[o + oMin + 1]! > max) max = this.d[o + oMin + 1]!;
        }
        if (oInc >= 0) inc += this.d[o + oInc]!;
      }
      hist?.mergeSlotIntoWindow(s);
    }
    hot[h + H_COUNT] = count;
    hot[h + H_SUM] = sum;
    hot[h + H_MIN] = min;
    hot[h + H_MAX] = max;
    hot[h + H_INC] = inc;
    hot[h + H_CBID] = endBid;
  }

  /** Count and sum over the window `back` whole windows before the one ending at `now` (spike: back = 1). */
  range(now: number, back: number): { count: number; sum: number } {
    const { slots, buckets, bucketMs, stride } = this.l;
    const hot = pool.data;
    const h = this.h;
    const hi = Math.floor(now / bucketMs) - back * buckets;
    const lo = hi - buckets;
    const maxBid = hot[h + H_MAXBID]!;
    let count = 0;
    let sum = 0;
    for (let s = 0; s < slots; s++) {
      const o = s * stride;
      const id = this.d[o + F_ID]!;
      if (id > hi || id <= lo) continue;
      count += id === maxBid ? hot[h + H_CUR_COUNT]! : this.d[o + F_COUNT]!;
      sum += id === maxBid ? hot[h + H_CUR_SUM]! : this.d[o + F_SUM]!;
    }
    return { count, sum };
  }

  /** Quantile q (0..1) of the values in the window ending at `now`; NaN without samples or histogram. */
  quantile(now: number, q: number): number {
    this.stats(now);
    return this.hist ? windowQuantile(pool.data, this.h, this.hist, pool.data[this.h + H_COUNT]!, q) : NaN;
  }

  /** Newest event time in the ring, for idle detection. */
  newest(): number {
    return pool.data[this.h + H_LAST_TS]!;
  }
}
