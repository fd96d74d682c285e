import { headerPoolStats, Ring, windowShape, type RingOptions, type WindowShape } from './window';
import { ReferenceRing } from '../testing/reference-ring';

/*
 * The ring must give the same answers as the reference ring (alerter/testing/reference-ring.ts),
 * to the last bit, for any sequence of samples and queries.
 */

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
