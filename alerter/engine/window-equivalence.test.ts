import {
  headerPoolStats,
  Ring,
  windowShape,
  type RingOptions,
  type WindowShape,
  type WindowStats,
} from './window';

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

class ReferenceRing {
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

/** A small deterministic generator (no Math.random: a failure must replay). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

type Case = [name: string, windowMs: number, latenessMs: number, windows: number, opts: RingOptions];

const cases: Case[] = [
  ['avg/sum/count, 30 s window, 5 s lateness', 30_000, 5_000, 1, {}],
  ['min/max, 1 m window', 60_000, 5_000, 1, { minmax: true }],
  ['rate (counter increase), 5 m window', 300_000, 5_000, 1, { inc: true }],
  ['percentiles, 10 s window, no lateness', 10_000, 0, 1, { histogram: true }],
  ['spike: two windows', 10_000, 2_000, 2, {}],
  [
    'everything, 1 s window (one bucket of 250 ms... 4 buckets)',
    1_000,
    500,
    1,
    { minmax: true, inc: true, histogram: true },
  ],
];

describe('Ring against the reference ring', () => {
  it.each(cases)(
    '%s: same answers for random in-order, late, too-old and gapped samples',
    (_name, windowMs, latenessMs, windows, opts) => {
      const shape: WindowShape = windowShape(windowMs, latenessMs, windows);
      for (let seed = 1; seed <= 8; seed++) {
        const rnd = lcg(seed * 7919);
        const a = new Ring(shape, opts);
        const b = new ReferenceRing(shape, opts);
        let t = 1_700_000_000_000 + Math.floor(rnd() * 100_000);
        const got: unknown[] = [];
        const want: unknown[] = [];
        for (let i = 0; i < 600; i++) {
          const r = rnd();
          // Mostly forward in small steps; sometimes late (within and beyond the ring), sometimes a long gap.
          if (r < 0.7) t += Math.floor(rnd() * shape.bucketMs * 0.7);
          else if (r < 0.8) t += Math.floor(rnd() * windowMs * 3);
          const ts = r >= 0.8 && r < 0.95 ? t - Math.floor(rnd() * (windowMs + latenessMs) * 1.5) : t;
          const v = rnd() < 0.1 ? 0 : rnd() < 0.5 ? Math.floor(rnd() * 100) : rnd() * 1e6 - 1e3;
          const now = t + (rnd() < 0.8 ? 0 : Math.floor(rnd() * windowMs));
          // Plain arrays compared once per seed: an expect() per sample makes this test slow.
          for (const [ring, out] of [
            [a, got],
            [b, want],
          ] as const) {
            const accepted = ring.add(ts, v);
            const st = ring.stats(now);
            out.push([
              i,
              accepted,
              st.count,
              st.sum,
              opts.minmax ? [st.min, st.max] : 0,
              opts.inc ? st.inc : 0,
            ]);
            if (opts.histogram) out.push([ring.quantile(now, 0.95), ring.quantile(now, 0.5)]);
            out.push(ring.range(now, 0), windows > 1 ? ring.range(now, 1) : 0, ring.newest(), ring.lastValue);
          }
        }
        expect(got).toEqual(want);
      }
    },
  );
});

describe('Ring quantiles asked one at a time', () => {
  // Few values, so a series repeats its bin and the quantile's bin holds from sample to sample
  // (windowQuantile answers from the header), and a mix that shifts every 300 samples, so it moves.
  const MIXES = [
    [3, 3, 3, 3, 7],
    [7, 7, 50, 50, 3, 0],
    [50, 120, 120, 0],
  ];
  it.each([0.5, 0.95, 0.99])('q = %p, of series repeating a few values: same answers', (q) => {
    const shape = windowShape(10_000, 2_000);
    for (let seed = 1; seed <= 8; seed++) {
      const rnd = lcg(seed * 104_729);
      const a = new Ring(shape, { histogram: true });
      const b = new ReferenceRing(shape, { histogram: true });
      let t = 1_700_000_000_000;
      const got: unknown[] = [];
      const want: unknown[] = [];
      for (let i = 0; i < 2_000; i++) {
        const r = rnd();
        t += r < 0.97 ? Math.floor(rnd() * 150) : Math.floor(rnd() * 20_000);
        const ts = r >= 0.9 && r < 0.97 ? t - Math.floor(rnd() * 4_000) : t;
        const mix = MIXES[Math.floor(i / 300) % MIXES.length]!;
        const v = mix[Math.floor(rnd() * mix.length)]!;
        got.push(a.add(ts, v), a.quantile(t, q));
        want.push(b.add(ts, v), b.quantile(t, q));
      }
      expect(got).toEqual(want);
    }
  });
});

describe('Ring headers in the shared pool', () => {
  it('keep 3 000 rings apart, across the pool growing, each as its reference', () => {
    const shape = windowShape(10_000, 1_000);
    const before = headerPoolStats();
    const pairs = Array.from(
      { length: 3_000 },
      () =>
        [
          new Ring(shape, { minmax: true, inc: true }),
          new ReferenceRing(shape, { minmax: true, inc: true }),
        ] as const,
    );
    expect(headerPoolStats().used).toBeGreaterThanOrEqual(before.used + 3_000);
    expect(headerPoolStats().capacity).toBeGreaterThanOrEqual(headerPoolStats().used);
    const rnd = lcg(42);
    const got: unknown[] = [];
    const want: unknown[] = [];
    let t = 1_000_000;
    for (let i = 0; i < 30_000; i++) {
      t += Math.floor(rnd() * 50);
      const k = Math.floor(rnd() * pairs.length);
      const v = Math.floor(rnd() * 1000);
      const [a, b] = pairs[k]!;
      a.add(t, v);
      b.add(t, v);
      if (i % 7 === 0) {
        const sa = a.stats(t);
        const sb = b.stats(t);
        got.push([k, sa.count, sa.sum, sa.min, sa.max, sa.inc]);
        want.push([k, sb.count, sb.sum, sb.min, sb.max, sb.inc]);
      }
    }
    expect(got).toEqual(want);
  });
});
