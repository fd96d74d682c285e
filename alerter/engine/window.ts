/**
 * A sliding window over event time, kept as per-bucket aggregates in a ring (never the samples
 * themselves): count, sum, min, max and the counter increase per bucket, plus an optional
 * log-scale histogram for percentiles. The aggregate over the window is cached for the current
 * end bucket and updated in place as samples arrive, so a sample costs O(1) and the ring is
 * rescanned at most once per bucket period.
 */

// Fields of one slot (one bucket); min, max and inc follow when the ring keeps them.
const F_ID = 0;
const F_COUNT = 1;
const F_SUM = 2;

/** ~2 % relative error: plenty for "p99 latency above 500 ms". */
const HIST_SCALE = 50;
const histIndex = (v: number): number => (v <= 0 ? -1e9 : Math.round(Math.log(v) * HIST_SCALE));
const histValue = (i: number): number => (i === -1e9 ? 0 : Math.exp(i / HIST_SCALE));

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

/** What a ring of one shape and set of fields looks like: shared by all rings of a rule. */
interface Layout {
  bucketMs: number;
  slots: number;
  buckets: number;
  stride: number;
  /** Offset of min (max follows) within a slot, or -1. */
  oMin: number;
  /** Offset of the counter increase within a slot, or -1. */
  oInc: number;
  hist: boolean;
  /** Float64 elements per ring: the header and every slot. */
  size: number;
}

// Header fields, at the start of the ring's own array: the newest bucket, the cached window
// aggregate and the last sample, all in one place a sample updates.
const H_MAXBID = 0;
const H_CBID = 1;
const H_LAST_TS = 2;
const H_LAST_V = 3;
const H_COUNT = 4;
const H_SUM = 5;
const H_MIN = 6;
const H_MAX = 7;
const H_INC = 8;
const HEADER = 9;

const layouts = new WeakMap<WindowShape, Map<number, Layout>>();

function layoutOf(shape: WindowShape, opts: RingOptions): Layout {
  const bits = (opts.minmax ? 1 : 0) | (opts.inc ? 2 : 0) | (opts.histogram ? 4 : 0);
  let byBits = layouts.get(shape);
  if (!byBits) layouts.set(shape, (byBits = new Map()));
  let l = byBits.get(bits);
  if (l) return l;
  let stride = 3;
  const oMin = opts.minmax ? stride : -1;
  if (opts.minmax) stride += 2;
  const oInc = opts.inc ? stride : -1;
  if (opts.inc) stride += 1;
  l = { bucketMs: shape.bucketMs, slots: shape.slots, buckets: shape.buckets, stride, oMin, oInc, hist: opts.histogram === true, size: HEADER + shape.slots * stride };
  byBits.set(bits, l);
  return l;
}

/**
 * Memory per group is what limits throughput with tens of thousands of groups (every sample
 * lands in a different one: cache misses), so a ring IS one typed array: a header (newest
 * bucket, cached window aggregate, last sample) then the slots, each with only the fields its
 * reducer needs. A sample touches that array alone, not a ring object, its array and the
 * boxed doubles of its fields (V8 boxes double-valued object fields), as it used to.
 */
export class Ring extends Float64Array implements WindowStats {
  readonly shape: WindowShape;
  private readonly l: Layout;
  private readonly hist: Array<Map<number, number> | undefined> | undefined;
  private cHist: Map<number, number> | undefined;
  /** cHist's keys in order, until a new key or a rescan: quantile() sorts once, not per call. */
  private qKeys: number[] | undefined;

  constructor(shape: WindowShape, opts: RingOptions = {}) {
    const l = layoutOf(shape, opts);
    super(l.size);
    this.shape = shape;
    this.l = l;
    this.hist = l.hist ? new Array<Map<number, number> | undefined>(l.slots) : undefined;
    this.cHist = undefined;
    this.qKeys = undefined;
    this[H_MAXBID] = -Infinity;
    this[H_CBID] = -Infinity;
    this[H_LAST_TS] = -Infinity;
    this[H_LAST_V] = NaN;
    this[H_MIN] = Infinity;
    this[H_MAX] = -Infinity;
    for (let s = 0; s < l.slots; s++) this[HEADER + s * l.stride + F_ID] = -1;
  }

  get count(): number {
    return this[H_COUNT]!;
  }
  get sum(): number {
    return this[H_SUM]!;
  }
  get min(): number {
    return this[H_MIN]!;
  }
  get max(): number {
    return this[H_MAX]!;
  }
  get inc(): number {
    return this[H_INC]!;
  }
  get lastValue(): number {
    return this[H_LAST_V]!;
  }
  get lastTs(): number {
    return this[H_LAST_TS]!;
  }

  /** Adds one sample at event time `ts`. Returns false when `ts` is older than the ring holds. */
  add(ts: number, v: number): boolean {
    const l = this.l;
    const slots = l.slots;
    const bid = Math.floor(ts / l.bucketMs);
    let slot = bid % slots;
    if (slot < 0) slot += slots; // event time before 1970 (a test's negative offsets)
    const o = HEADER + slot * l.stride;
    const id = this[o + F_ID]!;
    const maxBid = this[H_MAXBID]!;
    if (id > bid || bid <= maxBid - slots) return false;
    if (bid > maxBid) this[H_MAXBID] = bid;
    const oMin = l.oMin;
    const oInc = l.oInc;
    if (id !== bid) {
      this[o + F_ID] = bid;
      this[o + F_COUNT] = 0;
      this[o + F_SUM] = 0;
      if (oMin >= 0) {
        this[o + oMin] = Infinity;
        this[o + oMin + 1] = -Infinity;
      }
      if (oInc >= 0) this[o + oInc] = 0;
      // Reuse the bucket's map: a new one per bucket period is garbage at 1M samples/s.
      this.hist?.[slot]?.clear();
    }
    let inc = 0;
    const lastTs = this[H_LAST_TS]!;
    if (ts >= lastTs) {
      if (lastTs !== -Infinity) {
        const lv = this[H_LAST_V]!;
        inc = v >= lv ? v - lv : v;
      }
      this[H_LAST_V] = v;
      this[H_LAST_TS] = ts;
    }
    this[o + F_COUNT] = this[o + F_COUNT]! + 1;
    this[o + F_SUM] = this[o + F_SUM]! + v;
    if (oMin >= 0) {
      if (v < this[o + oMin]!) this[o + oMin] = v;
      if (v > this[o + oMin + 1]!) this[o + oMin + 1] = v;
    }
    if (oInc >= 0) this[o + oInc] = this[o + oInc]! + inc;
    let hi = 0;
    const hist = this.hist;
    if (hist) {
      hi = histIndex(v);
      const h = hist[slot] ?? (hist[slot] = new Map());
      h.set(hi, (h.get(hi) ?? 0) + 1);
    }
    // Keep the cached window aggregate in step when the sample falls inside it.
    const cBid = this[H_CBID]!;
    if (bid <= cBid && bid > cBid - l.buckets) {
      this[H_COUNT] = this[H_COUNT]! + 1;
      this[H_SUM] = this[H_SUM]! + v;
      if (v < this[H_MIN]!) this[H_MIN] = v;
      if (v > this[H_MAX]!) this[H_MAX] = v;
      this[H_INC] = this[H_INC]! + inc;
      const ch = this.cHist;
      if (ch) {
        const n = ch.get(hi);
        if (n === undefined) {
          ch.set(hi, 1);
          this.qKeys = undefined;
        } else ch.set(hi, n + 1);
      }
    } else if (bid > cBid) {
      this[H_CBID] = -Infinity;
    }
    return true;
  }

  /** The aggregate over the window that ends with the bucket holding `now` (this ring, refreshed). */
  stats(now: number): WindowStats {
    const endBid = Math.floor(now / this.l.bucketMs);
    if (endBid !== this[H_CBID]) this.rescan(endBid);
    return this;
  }

  private rescan(endBid: number): void {
    const { slots, buckets, stride, oMin, oInc } = this.l;
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let inc = 0;
    let ch = this.cHist;
    if (this.hist) {
      if (ch) ch.clear();
      else this.cHist = ch = new Map();
      this.qKeys = undefined;
    }
    for (let s = 0; s < slots; s++) {
      const o = HEADER + s * stride;
      const id = this[o + F_ID]!;
      if (id < 0 || id > endBid || id <= endBid - buckets) continue;
      count += this[o + F_COUNT]!;
      sum += this[o + F_SUM]!;
      if (oMin >= 0) {
        if (this[o + oMin]! < min) min = this[o + oMin]!;
        if (this[o + oMin + 1]! > max) max = this[o + oMin + 1]!;
      }
      if (oInc >= 0) inc += this[o + oInc]!;
      const h = this.hist?.[s];
      if (h && ch) for (const [k, n] of h) ch.set(k, (ch.get(k) ?? 0) + n);
    }
    this[H_COUNT] = count;
    this[H_SUM] = sum;
    this[H_MIN] = min;
    this[H_MAX] = max;
    this[H_INC] = inc;
    this[H_CBID] = endBid;
  }

  /** Count and sum over the window `back` whole windows before the one ending at `now` (spike: back = 1). */
  range(now: number, back: number): { count: number; sum: number } {
    const { slots, buckets, bucketMs, stride } = this.l;
    const hi = Math.floor(now / bucketMs) - back * buckets;
    const lo = hi - buckets;
    let count = 0;
    let sum = 0;
    for (let s = 0; s < slots; s++) {
      const o = HEADER + s * stride;
      const id = this[o + F_ID]!;
      if (id < 0 || id > hi || id <= lo) continue;
      count += this[o + F_COUNT]!;
      sum += this[o + F_SUM]!;
    }
    return { count, sum };
  }

  /** Quantile q (0..1) of the values in the window ending at `now`; NaN without samples or histogram. */
  quantile(now: number, q: number): number {
    this.stats(now);
    const h = this.cHist;
    const count = this[H_COUNT]!;
    if (!h || count === 0) return NaN;
    const keys = this.qKeys ?? (this.qKeys = [...h.keys()].sort((a, b) => a - b));
    const rank = q * count;
    let seen = 0;
    for (let i = 0; i < keys.length; i++) {
      seen += h.get(keys[i]!)!;
      if (seen >= rank) return histValue(keys[i]!);
    }
    return histValue(keys[keys.length - 1]!);
  }

  /** Newest event time in the ring, for idle detection. */
  newest(): number {
    return this[H_LAST_TS]!;
  }
}
