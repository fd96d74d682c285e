import { Ring, windowShape } from './window';

describe('Ring', () => {
  it('aggregates the last window and forgets older buckets', () => {
    const r = new Ring(windowShape(10_000, 0), { minmax: true });
    for (let t = 0; t < 20_000; t += 1000) r.add(t, t / 1000);
    const st = r.stats(19_999);
    expect(st.count).toBe(10);
    expect(st.min).toBe(10);
    expect(st.max).toBe(19);
    expect(st.sum).toBe(145);
  });

  it('keeps the cached aggregate in step with new samples in the current bucket', () => {
    const r = new Ring(windowShape(10_000, 0), { minmax: true });
    r.add(1000, 5);
    expect(r.stats(1500).count).toBe(1);
    r.add(1200, 7);
    r.add(900, 1); // late, into an earlier bucket still in the window
    expect(r.stats(1500)).toMatchObject({ count: 3, sum: 13, min: 1, max: 7 });
  });

  it('refuses a sample older than the ring holds', () => {
    const r = new Ring(windowShape(2_000, 0));
    r.add(100_000, 1);
    expect(r.add(0, 1)).toBe(false);
  });

  it('counts counter increases across a reset', () => {
    const r = new Ring(windowShape(60_000, 0), { inc: true });
    [10, 20, 30, 5, 15].forEach((v, i) => r.add(i * 1000, v));
    expect(r.stats(5000).inc).toBe(20 + 5 + 10);
  });

  it('estimates quantiles within a few percent', () => {
    const r = new Ring(windowShape(60_000, 0), { histogram: true });
    for (let i = 1; i <= 1000; i++) r.add(i * 10, i);
    expect(r.quantile(10_000, 0.99)).toBeGreaterThan(970);
    expect(r.quantile(10_000, 0.99)).toBeLessThan(1010);
    expect(r.quantile(10_000, 0.5)).toBeGreaterThan(485);
    expect(r.quantile(10_000, 0.5)).toBeLessThan(515);
  });

  it('sums the previous window for spike', () => {
    const r = new Ring(windowShape(10_000, 0, 2));
    for (let t = 0; t < 20_000; t += 1000) r.add(t, t < 10_000 ? 1 : 3);
    expect(r.range(19_999, 0).sum).toBe(30);
    expect(r.range(19_999, 1).sum).toBe(10);
  });
});
