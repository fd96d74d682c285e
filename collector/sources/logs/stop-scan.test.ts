import { firstStop, lastStop, STOP } from './stop-scan';

/** The byte loops the word scans stand for. */
function firstByByte(buf: Buffer, i: number, end: number): number {
  while (i < end && STOP[buf[i]!] === 0) i++;
  return i;
}
function lastByByte(buf: Buffer, i: number, lo: number): number {
  while (i > lo && STOP[buf[i]!] === 0) i--;
  return i;
}

/** A small deterministic generator, so a failure names a seed that repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('stop byte scans', () => {
  it('find what a byte loop finds, for every byte value in every position of a word', () => {
    for (let b = 0; b < 256; b++)
      for (let at = 0; at < 12; at++) {
        const buf = Buffer.alloc(12, 0x61);
        buf[at] = b;
        const want = STOP[b] ? at : 12;
        expect([b, at, firstStop(buf, 0, 12)]).toEqual([b, at, want]);
        expect([b, at, lastStop(buf, 11, -1)]).toEqual([b, at, STOP[b] ? at : -1]);
      }
  });

  it('agree with the byte loops on random lines, ASCII and not, at every start and end', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const len = 1 + Math.floor(next() * 40);
      // Mostly plain text, some stop bytes and some bytes above 0x7f (UTF-8 continuation and lead bytes).
      const buf = Buffer.from(
        Array.from({ length: len }, () => {
          const r = next();
          return r < 0.08
            ? [0x22, 0x5c, 0x0a, 0x00, 0x1f][Math.floor(next() * 5)]!
            : r < 0.2
              ? 0x80 + Math.floor(next() * 128)
              : 0x20 + Math.floor(next() * 95);
        }),
      );
      for (let i = 0; i <= len; i++)
        for (let end = i; end <= len; end++) expect(firstStop(buf, i, end)).toBe(firstByByte(buf, i, end));
      for (let i = 0; i < len; i++)
        for (let lo = -1; lo < i; lo++) expect(lastStop(buf, i, lo)).toBe(lastByByte(buf, i, lo));
    }
  });
});
