import { BytePattern } from './byte-pattern';

describe('BytePattern', () => {
  const text = '","stream":"';
  const p = BytePattern.of(text);
  // Offsets inside a pooled buffer (byteOffset > 0) and at its very ends.
  const hay = Buffer.concat([Buffer.from('xx'), Buffer.from(text), Buffer.from('yy'), Buffer.from(text)]);

  test('finds the pattern where it is and nowhere else', () => {
    const found: number[] = [];
    for (let at = -1; at <= hay.length; at++) if (p.matchesAt(hay, at)) found.push(at);
    expect(found).toEqual([2, 2 + text.length + 2]);
  });

  test('a difference in any byte, the last word included, is seen', () => {
    for (let i = 0; i < text.length; i++) {
      const b = Buffer.from(text);
      b[i] = b[i]! ^ 0x20;
      expect(p.matchesAt(b, 0)).toBe(false);
    }
  });

  test('a pattern loaded from a buffer matches the same bytes elsewhere', () => {
    const second = new BytePattern(19);
    const a = Buffer.from('..2026-11-25T15:19:00.123Z');
    second.load(a, 2);
    expect(second.matchesAt(Buffer.from('2026-11-25T15:19:00.999Z'), 0)).toBe(true);
    expect(second.matchesAt(Buffer.from('2026-11-25T15:19:01.123Z'), 0)).toBe(false);
    expect(second.matchesAt(Buffer.from('2027-11-25T15:19:00.123Z'), 0)).toBe(false);
  });

  test('fewer than 4 bytes is refused', () => {
    expect(() => BytePattern.of('ab')).toThrow(/at least 4 bytes/);
  });
});
