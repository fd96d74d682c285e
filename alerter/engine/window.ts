/**
 * A sliding window over event time, kept as per-bucket aggregates in a ring (never the samples
 * themselves): count, sum, min, max and the counter increase per bucket, plus an optional
 * log-scale histogram for percentiles. The aggregate over the window is cached for the current
 * end bucket and updated in place as samples arrive, so a sample costs O(1) and the ring is
 * rescanned at most once per bucket period.
 */

const F_ID = 0;
const F_COUNT = 1;
const F_SUM = 2;
const F_MIN = 3;
const F_MAX = 4;
const F_INC = 5;
const STRIDE = 6;

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

export class Ring {
  private readonly d: Float64Array;
  private readonly hist?: Array<Map<number, number> | undefined>;
  private cBid = -Infinity;
  private maxBid = -Infinity;
  private readonly c: WindowStats = { count: 0, sum: 0, min: Infinity, max: -Infinity, inc: 0 };
  private cHist?: Map<number, number>;
  lastValue = NaN;
  lastTs = -Infinity;

  constructor(
    readonly shape: WindowShape,
    withHistogram = false,
  ) {
    this.d = new Float64Array(shape.slots * STRIDE);
    for (let s = 0; s < shape.slots; s++) this.d[s * STRIDE + F_ID] = -1;
    if (withHistogram) this.hist = new Array<Map<number, number> | undefined>(shape.slots);
  }

  /** Adds one sample at event time `ts`. Returns false when `ts` is older than the ring holds. */
  add(ts: number, v: number): boolean {
    const { bucketMs, slots, buckets } = this.shape;
    const bid = Math.floor(ts / bucketMs);
    const slot = bid % slots;
    const o = slot * STRIDE;
    const d = this.d;
    const id = d[o + F_ID]!;
    if (id > bid || bid <= this.maxBid - slots) return false;
    if (bid > this.maxBid) this.maxBid = bid;
    if (id !== bid) {
      d[o + F_ID] = bid;
      d[o + F_COUNT] = 0;
      d[o + F_SUM] = 0;
      d[o + F_MIN] = Infinity;
      d[o + F_MAX] = -Infinity;
      d[o + F_INC] = 0;
      if (this.hist) this.hist[slot] = undefined;
    }
    let inc = 0;
    if (ts >= this.lastTs) {
      if (this.lastTs !== -Infinity) inc = v >= this.lastValue ? v - this.lastValue : v;
      this.lastValue = v;
      this.lastTs = ts;
    }
    d[o + F_COUNT] = d[o + F_COUNT]! + 1;
    d[o + F_SUM] = d[o + F_SUM]! + v;
    if (v < d[o + F_MIN]!) d[o + F_MIN] = v;
    if (v > d[o + F_MAX]!) d[o + F_MAX] = v;
    d[o + F_INC] = d[o + F_INC]! + inc;
    let hi = 0;
    if (this.hist) {
      hi = histIndex(v);
      const h = this.hist[slot] ?? (this.hist[slot] = new Map());
      h.set(hi, (h.get(hi) ?? 0) + 1);
    }
    // Keep the cached window aggregate in step when the sample falls inside it.
    if (bid <= this.cBid && bid > this.cBid - buckets) {
      const c = this.c;
      c.count++;
      c.sum += v;
      if (v < c.min) c.min = v;
      if (v > c.max) c.max = v;
      c.inc += inc;
      if (this.cHist) this.cHist.set(hi, (this.cHist.get(hi) ?? 0) + 1);
    } else if (bid > this.cBid) {
      this.cBid = -Infinity;
    }
    return true;
  }

  /** The aggregate over the window that ends with the bucket holding `now`. */
  stats(now: number): WindowStats {
    const endBid = Math.floor(now / this.shape.bucketMs);
    if (endBid !== this.cBid) this.rescan(endBid);
    return this.c;
  }

  private rescan(endBid: number): void {
    const { slots, buckets } = this.shape;
    const c = this.c;
    c.count = 0;
    c.sum = 0;
    c.min = Infinity;
    c.max = -Infinity;
    c.inc = 0;
    if (this.hist) this.cHist = new Map();
    const d = this.d;
    for (let s = 0; s < slots; s++) {
      const o = s * STRIDE;
      const id = d[o + F_ID]!;
      if (id < 0 || id > endBid || id <= endBid - buckets) continue;
      c.count += d[o + F_COUNT]!;
      c.sum += d[o + F_SUM]!;
      if (d[o + F_MIN]! < c.min) c.min = d[o + F_MIN]!;
      if (d[o + F_MAX]! > c.max) c.max = d[o + F_MAX]!;
      c.inc += d[o + F_INC]!;
      const h = this.hist?.[s];
      if (h && this.cHist) for (const [k, n] of h) this.cHist.set(k, (this.cHist.get(k) ?? 0) + n);
    }
    this.cBid = endBid;
  }

  /** Count and sum over `windows` whole windows back from the one ending at `now` (spike's previous window: back = 1). */
  range(now: number, back: number): { count: number; sum: number } {
    const { slots, buckets, bucketMs } = this.shape;
    const hi = Math.floor(now / bucketMs) - back * buckets;
    const lo = hi - buckets;
    let count = 0;
    let sum = 0;
    for (let s = 0; s < slots; s++) {
      const id = this.d[s * STRIDE + F_ID]!;
      if (id < 0 || id > hi || id <= lo) continue;
      count += this.d[s * STRIDE + F_COUNT]!;
      sum += this.d[s * STRIDE + F_SUM]!;
    }
    return { count, sum };
  }

  /** Quantile q (0..1) of the values in the window ending at `now`; NaN without samples or histogram. */
  quantile(now: number, q: number): number {
    this.stats(now);
    const h = this.cHist;
    if (!h || this.c.count === 0) return NaN;
    const keys = [...h.keys()].sort((a, b) => a - b);
    const rank = q * this.c.count;
    let seen = 0;
    for (const k of keys) {
      seen += h.get(k)!;
      if (seen >= rank) return histValue(k);
    }
    return histValue(keys[keys.length - 1]!);
  }

  /** Newest event time in the ring, for idle detection. */
  newest(): number {
    return this.lastTs;
  }
}
