const MINUS = 0x2d;
const ZERO = 0x30;

/**
 * Writes what `${n}` gives into `buf` at `at` and returns the offset after it: digits by hand for
 * safe integers, the engine's own text otherwise. The caller reserves room (64 bytes is enough
 * for any number). Shared by the carbon and StatsD encoders.
 *
 * For a finite fraction the text comes from JSON.stringify, which writes the same digits as
 * String(n) into a young string: V8 puts the strings of String(n) in its number-to-string cache
 * and so allocates them in the old generation, where at a million samples a second they piled up
 * as ~10 MB/s of garbage that only a full GC takes back (issue 16).
 */
export function writeNumber(buf: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n)) {
    const text = Number.isFinite(n) ? JSON.stringify(n) : String(n);
    return at + buf.write(text, at, 'latin1');
  }
  if (n < 0) {
    buf[at++] = MINUS;
    n = -n;
  }
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    buf[i] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}
