import type { LookoutEvent } from '../../../core/events';
import { writeNumber } from './digits';
import { GraphitePaths } from './paths';

const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * Carbon plaintext lines written straight into one reused buffer, byte for byte what
 * `carbonLines` builds as a string (see the test beside this file).
 *
 * Why (issue 16, peak RSS and CPU during bench:ship): the string version made, per sample, the
 * path (several regex replacements), a line, and a rope of 5 000 lines per batch, which Node then
 * copied into a Buffer for the socket; at a million samples a second that was most of what the
 * carbon path allocated and half its CPU. Here the path of a series is built once (GraphitePaths),
 * numbers are written as digits, and nothing per sample outlives the loop.
 *
 * The returned bytes are a view of the pool: valid until the next `encode`. The owner writes one
 * batch at a time and waits for the socket's callback (the bytes left our buffers) before the next
 * encode; after a failed write it calls `abandon`, since the socket may still hold the old view.
 */
export class CarbonEncoder {
  private pool: Buffer;
  private at = 0;
  private readonly paths: GraphitePaths;

  constructor(prefix: string, tags: boolean, initialBytes = 64 * 1024) {
    this.paths = new GraphitePaths(prefix, tags);
    this.pool = Buffer.allocUnsafe(initialBytes);
  }

  /** The batch's lines (finite metric samples only), as a view of the pool. */
  encode(events: readonly LookoutEvent[]): Buffer {
    this.at = 0;
    for (const e of events) {
      if (e.kind !== 'metric' || !Number.isFinite(e.value)) continue;
      const path = this.paths.of(e);
      // Worst case: three UTF-8 bytes per path unit (tag values may hold any text) and two numbers.
      this.reserve(path.length * 3 + 64);
      this.at += this.pool.write(path, this.at, 'utf8');
      this.pool[this.at++] = SPACE;
      this.at = writeNumber(this.pool, this.at, e.value);
      this.pool[this.at++] = SPACE;
      this.at = writeNumber(this.pool, this.at, Math.floor(e.ts / 1000));
      this.pool[this.at++] = NEWLINE;
    }
    return this.pool.subarray(0, this.at);
  }

  /** The last view may still be referenced by a socket that failed: never write into it again. */
  abandon(): void {
    this.pool = Buffer.allocUnsafe(this.pool.length);
  }

  /** Bytes the pool holds (it keeps the largest batch's size). */
  get capacity(): number {
    return this.pool.length;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.pool.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.pool.length * 2, this.at + bytes));
    this.pool.copy(grown, 0, 0, this.at);
    this.pool = grown;
  }
}
