import type { RingOptions, WindowShape, WindowStats } from '../engine/window';

/*
 * The ring as it was before its header and newest bucket moved into one typed array (commit
 * 4a99367), kept verbatim as the reference: the new ring must give the same answers, to the
 * last bit, for any sequence of samples and queries.
 */
const F_ID = 0;
const F_COUNT = 1;
const F_SUM = 2;

/** ~2 % relative error: plenty for "p99 latency above 500 ms". */
const HIST_SCALE = 50;
const histIndex = (v: number): number => (v <= 0 ? -1e9 : Math.round(Math.log(v) * HIST_SCALE));
const histValue = (i: number): number => (i === -1e9 ? 0 : Math.exp(i / HIST_SCALE));

export class ReferenceRing {
  private readonly d: Float64Array;
  private readonly hist?: Array<Map<number, number> | undefined>;
  private readonly stride: number;
  private readonly oMin: number;
  private readonly oInc: number;
  private readonly bucketMs: number;
  private readonly slots: number;
  private readonly buckets: number;
  private cBid = -Infinity;
  private maxBid = -Infinity;
  private cHist?: Map<number, number>;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  inc = 0;
  lastValue = NaN;
  lastTs = -Infinity;

  constructor(
    readonly shape: WindowShape,
    opts: RingOptions = {},
  ) {
    let stride = 3;
    this.oMin = opts.minmax ? stride : -1;
    if (opts.minmax) stride += 2;
    this.oInc = opts.inc ? stride : -1;
    if (opts.inc) stride += 1;
    this.stride = stride;
    this.bucketMs = shape.bucketMs;
    this.slots = shape.slots;
    this.buckets = shape.buckets;
    this.d = new Float64Array(shape.slots * stride);
    for (let s = 0; s < shape.slots; s++) this.d[s * stride + F_ID] = -1;
    if (opts.histogram) this.hist = new Array<Map<number, number> | undefined>(shape.slots);
  }

  /** Adds one sample at event time `ts`. Returns false when `ts` is older than the ring holds. */
  add(ts: number, v: number): boolean {
    const slots = this.slots;
    const bid = Math.floor(ts / this.bucketMs);
    const slot = bid % slots;
    const o = slot * this.stride;
    const d = this.d;
    const id = d[o + F_ID]!;
    if (id > bid || bid <= this.maxBid - slots) return false;
    if (bid > this.maxBid) this.maxBid = bid;
    const oMin = this.oMin;
    const oInc = this.oInc;
    if (id !== bid) {
      d[o + F_ID] = bid;
      d[o + F_COUNT] = 0;
      d[o + F_SUM] = 0;
      if (oMin >= 0) {
        d[o + oMin] = Infinity;
        d[o + oMin + 1] = -Infinity;
      }
      if (oInc >= 0) d[o + oInc] = 0;
      // Reuse the bucket's map: a new one per bucket period is garbage at 1M samples/s.
      this.hist?.[slot]?.clear();
    }
    let inc = 0;
    if (ts >= this.lastTs) {
      if (this.lastTs !== -Infinity) inc = v >= this.lastValue ? v - this.lastValue : v;
      this.lastValue = v;
      this.lastTs = ts;
    }
    d[o + F_COUNT] = d[o + F_COUNT]! + 1;
    d[o + F_SUM] = d[o + F_SUM]! + v;
    if (oMin >= 0) {
      if (v < d[o + oMin]!) d[o + oMin] = v;
      if (v > d[o + oMin + 1]!) d[o + oMin + 1] = v;
    }
    if (oInc >= 0) d[o + oInc] = d[o + oInc]! + inc;
    let hi = 0;
    if (this.hist) {
      hi = histIndex(v);
      const h = this.hist[slot] ?? (this.hist[slot] = new Map());
      h.set(hi, (h.get(hi) ?? 0) + 1);
    }
    // Keep the cached window aggregate in step when the sample falls inside it.
    if (bid <= this.cBid && bid > this.cBid - this.buckets) {
      this.count++;
      this.sum += v;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      this.inc += inc;
      if (this.cHist) this.cHist.set(hi, (this.cHist.get(hi) ?? 0) + 1);
    } else if (bid > this.cBid) {
      this.cBid = -Infinity;
    }
    return true;
  }

  /** The aggregate over the window that ends with the bucket holding `now` (this ring, refreshed). */
  stats(now: number): WindowStats {
    const endBid = Math.floor(now / this.bucketMs);
    if (endBid !== this.cBid) this.rescan(endBid);
    return this;
  }

  private rescan(endBid: number): void {
    const { slots, buckets, stride, oMin, oInc } = this;
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.inc = 0;
    if (this.hist) {
      if (this.cHist) this.cHist.clear();
      else this.cHist = new Map();
    }
    const d = this.d;
    for (let s = 0; s < slots; s++) {
      const o = s * stride;
      const id = d[o + F_ID]!;
      if (id < 0 || id > endBid || id <= endBid - buckets) continue;
      this.count += d[o + F_COUNT]!;
      this.sum += d[o + F_SUM]!;
      if (oMin >= 0) {
        if (d[o + oMin]! < this.min) this.min = d[o + oMin]!;
        if (d[o + oMin + 1]! > this.max) this.max = d[o + oMin + 1]!;
      }
      if (oInc >= 0) this.inc += d[o + oInc]!;
      const h = this.hist?.[s];
      if (h && this.cHist) for (const [k, n] of h) this.cHist.set(k, (this.cHist.get(k) ?? 0) + n);
    }
    this.cBid = endBid;
  }

  /** Count and sum over the window `back` whole windows before the one ending at `now` (spike: back = 1). */
  range(now: number, back: number): { count: number; sum: number } {
    const { slots, buckets, bucketMs, stride } = this;
    const hi = Math.floor(now / bucketMs) - back * buckets;
    const lo = hi - buckets;
    let count = 0;
    let sum = 0;
    for (let s = 0; s < slots; s++) {
      const id = this.d[s * stride + F_ID]!;
      if (id < 0 || id > hi || id <= lo) continue;
      count += this.d[s * stride + F_COUNT]!;
      sum += this.d[s * stride + F_SUM]!;
    }
    return { count, sum };
  }

  /** Quantile q (0..1) of the values in the window ending at `now`; NaN without samples or histogram. */
  quantile(now: number, q: number): number {
    this.stats(now);
    const h = this.cHist;
    if (!h || this.count === 0) return NaN;
    const keys = [...h.keys()].sort((a, b) => a - b);
    const rank = q * this.count;
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
