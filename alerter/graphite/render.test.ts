import { seriesSamples, type RenderedSeries } from './render';

describe('seriesSamples', () => {
  const series = (over: Partial<RenderedSeries>): RenderedSeries => ({
    target: 'stats.timers.shop.web1.checkout.upper_90',
    datapoints: [
      [120, 1_000],
      [null, 1_010],
      [130, 1_020],
    ],
    ...over,
  });

  it('turns datapoints into samples, gaps skipped, each point fed once', () => {
    const after = new Map<string, number>();
    const first = seriesSamples('stats.timers.shop.*.checkout.upper_90', [series({})], after);
    expect(first.map((s) => [s.ts, s.value])).toEqual([
      [1_000_000, 120],
      [1_020_000, 130],
    ]);
    expect(first[0]!.labels).toEqual({ series: 'stats.timers.shop.web1.checkout.upper_90' });
    expect(seriesSamples('x', [series({})], after)).toEqual([]);
  });

  it("a tagged series' host tag is the sample's host; other tags are labels", () => {
    const tagged = series({
      target: 'latency;host=web1;service=shop',
      tags: { name: 'latency', host: 'web1', service: 'shop' },
    });
    const [sample] = seriesSamples("seriesByTag('name=latency')", [tagged], new Map());
    expect(sample!.host).toBe('web1');
    expect(sample!.labels).toEqual({
      host: 'web1',
      service: 'shop',
      series: 'latency;host=web1;service=shop',
    });
  });

  it('a series without a host tag has no host', () => {
    const [sample] = seriesSamples('x', [series({ tags: { name: 'x', service: 'shop' } })], new Map());
    expect(sample!.host).toBe('');
  });
});
