import { groupKey, type LabelGetter } from './labels';
import { SeriesIndex } from './series';

const getter =
  (labels: Record<string, string>): LabelGetter =>
  (n) =>
    labels[n] ?? '';

type Case = [name: string, groupBy: string[], events: Array<Record<string, string>>];

const cases: Case[] = [
  ['one label', ['target'], [{ target: 'a' }, { target: 'b' }, {}, { target: 'a' }]],
  [
    'two labels, repeated series',
    ['host', 'container'],
    [
      { host: 'h1', container: 'web' },
      { host: 'h1', container: 'db' },
      { host: 'h1', container: 'web' },
      { host: 'h2', container: 'web' },
    ],
  ],
  [
    'two labels, missing values read as empty',
    ['host', 'container'],
    [{ host: 'h1' }, { container: 'web' }, {}, { host: 'h1', container: '' }],
  ],
  [
    'three labels',
    ['host', 'service', 'container'],
    [
      { host: 'h', service: 's', container: 'c' },
      { host: 'h', container: 'c' },
    ],
  ],
];

describe('SeriesIndex keys', () => {
  it.each(cases)('%s: the same key as groupKey, event after event', (_name, groupBy, events) => {
    const cache = new SeriesIndex();
    for (let round = 0; round < 3; round++) {
      for (const labels of events) {
        cache.next();
        const get = getter(labels);
        expect(cache.record(0, groupBy, get).key).toBe(groupKey(groupBy, get));
        // Asked again for the same event: the cached key, without reading labels again.
        expect(cache.record(0, groupBy, () => 'changed').key).toBe(groupKey(groupBy, get));
      }
    }
  });

  it('keeps groupings apart by id', () => {
    const cache = new SeriesIndex();
    cache.next();
    const get = getter({ host: 'h', container: 'c', service: 's' });
    expect(cache.record(0, ['host', 'container'], get).key).toBe(`h\u001fc`);
    expect(cache.record(1, ['host', 'service'], get).key).toBe(`h\u001fs`);
    cache.next();
    expect(cache.record(1, ['host', 'service'], getter({ host: 'h', service: 't' })).key).toBe(`h\u001ft`);
  });
});
