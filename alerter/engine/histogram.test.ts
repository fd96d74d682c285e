import { binValue, histBin, SlotHistograms } from './histogram';
import { Ring, windowShape } from './window';

/** `h` with its window rebuilt from `slots`, as a rescan does. */
function windowOf(h: SlotHistograms, slots: number[]): SlotHistograms {
  h.clearWindow();
  for (const s of slots) h.mergeSlotIntoWindow(s);
  return h;
}

describe('histBin and binValue', () => {
  it.each([
    ['zero', 0, 0],
    ['minus zero', -0, 0],
    ['a negative value', -5, 0],
    ['minus infinity', -Infinity, 0],
    ['plus infinity', Infinity, Infinity],
  ])('read %s back as %p', (_, v, back) => {
    expect(binValue(histBin(v))).toBe(back);
  });

  it('reads NaN back as NaN', () => {
    expect(binValue(histBin(NaN))).toBeNaN();
  });

  it.each([1e-300, 5e-324, 1e-9, 1, 123.456, 1e12, 1e300, Number.MAX_VALUE])(
    'keeps %p within 1 %% and its bin an integer in Int32 range',
    (v) => {
      const bin = histBin(v);
      expect(Number.isInteger(bin)).toBe(true);
      expect(Math.abs(bin)).toBeLessThan(2 ** 31);
      expect(Math.abs(binValue(bin) / v - 1)).toBeLessThan(0.011);
    },
  );

  it('orders the special bins around every finite one', () => {
    const finite = [histBin(5e-324), histBin(Number.MAX_VALUE)];
    expect(histBin(0)).toBeLessThan(Math.min(...finite));
    expect(histBin(Infinity)).toBeGreaterThan(Math.max(...finite));
    expect(histBin(NaN)).toBeGreaterThan(histBin(Infinity));
  });
});

describe('SlotHistograms', () => {
  it('answers NaN for an empty window', () => {
    const h = new SlotHistograms(4);
    expect(h.quantile(0, 0.5)).toBeNaN();
    expect(windowOf(h, [0, 1, 2, 3]).quantile(0, 0.99)).toBeNaN();
  });

  it('gives the smallest bin at q=0 and the largest at q=1', () => {
    const h = new SlotHistograms(2);
    for (const v of [7, 0, -3, 1e6, 42]) {
      h.addToSlot(1, histBin(v));
      h.addToWindow(histBin(v));
    }
    expect(h.quantile(5, 0)).toBe(0);
    expect(h.quantile(5, 1)).toBe(binValue(histBin(1e6)));
    // Zero and the negative value share bin 0: two of five samples.
    expect(h.quantile(5, 0.4)).toBe(0);
    expect(h.quantile(5, 0.41)).toBe(binValue(histBin(7)));
  });

  it('keeps bins sorted and counted when a slot outgrows its region many times', () => {
    const h = new SlotHistograms(3);
    // Descending, ascending and interleaved inserts into three slots, 300 bins each.
    for (let i = 0; i < 300; i++) {
      h.addToSlot(0, 300 - i);
      h.addToSlot(1, i);
      h.addToSlot(2, i % 2 ? i : 600 - i);
      h.addToSlot(1, i); // every bin of slot 1 counted twice
    }
    windowOf(h, [1]);
    expect(h.quantile(600, 0.5)).toBe(binValue(149));
    windowOf(h, [0, 1, 2]);
    // 1 200 samples over bins 0..600; the smallest is 0 (slot 1, twice).
    expect(h.quantile(1200, 0)).toBe(binValue(0));
    expect(h.quantile(1200, 1)).toBe(binValue(600));
  });

  it('forgets a slot that is cleared and reused, and keeps its neighbours', () => {
    const h = new SlotHistograms(2);
    for (let i = 0; i < 50; i++) h.addToSlot(0, 1000 + i); // grows slot 0 past its first region
    h.addToSlot(1, 5);
    h.clearSlot(0);
    h.addToSlot(0, 7);
    windowOf(h, [0, 1]);
    expect(h.quantile(2, 0)).toBe(binValue(5));
    expect(h.quantile(2, 1)).toBe(binValue(7));
  });
});

describe('Ring percentiles at the edges', () => {
  const shape = windowShape(10_000, 0);

  it('handles zero, negative, tiny and huge values in one window', () => {
    const r = new Ring(shape, { histogram: true });
    const values = [0, -1, -Infinity, 1e-300, 5e-324, 1, 1e300, Number.MAX_VALUE];
    values.forEach((v, i) => r.add(1000 + i, v));
    expect(r.quantile(2000, 0)).toBe(0);
    expect(r.quantile(2000, 3 / 8)).toBe(0);
    // Sorted: 0 (three samples), 5e-324, 1e-300, 1, 1e300, MAX_VALUE.
    expect(r.quantile(2000, 4 / 8)).toBe(binValue(histBin(5e-324)));
    expect(r.quantile(2000, 5 / 8) / 1e-300).toBeCloseTo(1, 1);
    expect(r.quantile(2000, 6 / 8)).toBeCloseTo(1, 1);
    expect(r.quantile(2000, 7 / 8) / 1e300).toBeCloseTo(1, 1);
    expect(r.quantile(2000, 1)).toBe(binValue(histBin(Number.MAX_VALUE)));
    expect(Number.isFinite(r.quantile(2000, 1))).toBe(true);
  });

  it('reuses slots after the window slides, forgetting what left it', () => {
    const r = new Ring(shape, { histogram: true });
    // Ten windows of samples: each window holds values of one decade only.
    for (let w = 0; w < 10; w++)
      for (let t = 0; t < 10_000; t += 100) r.add(w * 10_000 + t, 10 ** w * (1 + (t % 1000) / 1000));
    const now = 10 * 10_000 - 1;
    expect(r.stats(now).count).toBe(100);
    expect(r.quantile(now, 0)).toBeGreaterThanOrEqual(0.98e9);
    expect(r.quantile(now, 1)).toBeLessThanOrEqual(2.02e9);
  });

  it('answers NaN once every sample has left the window', () => {
    const r = new Ring(shape, { histogram: true });
    r.add(1000, 5);
    expect(r.quantile(1000, 0.5)).toBeCloseTo(5, 0);
    expect(r.quantile(1_000_000, 0.5)).toBeNaN();
    expect(r.quantile(1_000_000, 0)).toBeNaN();
    expect(r.quantile(1_000_000, 1)).toBeNaN();
  });

  it('counts a late sample in its own bucket and in the window', () => {
    const r = new Ring(shape, { histogram: true });
    r.add(5000, 100);
    expect(r.quantile(5000, 1)).toBeCloseTo(100, -1);
    r.add(1000, 1000); // late, into an earlier bucket still in the window
    expect(r.quantile(5000, 1)).toBeCloseTo(1000, -2);
    expect(r.quantile(5000, 0)).toBeCloseTo(100, -1);
  });
});
