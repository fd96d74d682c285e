import { LineIds } from './line-id';

test('ids are `${tag}-${offset}` for every offset, in any order, across tags', () => {
  const ids = new LineIds();
  const offsets = [0, 7, 999, 1000, 1001, 1999, 2000, 10_010, 999_999, 1_000_000, 123_456_789, 2 ** 40 + 5];
  for (const tag of ['', 'AbCdEfGhIjKlMnOpQrSt', 'other']) {
    for (const o of [...offsets, ...offsets.slice().reverse()]) expect(ids.id(tag, o)).toBe(`${tag}-${o}`);
  }
  // A run of consecutive lines, as the tailer asks for them.
  for (let o = 5_000_000; o < 5_003_000; o += 37) expect(ids.id('t', o)).toBe(`t-${o}`);
});
