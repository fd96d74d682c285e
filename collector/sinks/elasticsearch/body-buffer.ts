// On every Buffer at runtime, not in @types/node (as latin1Slice in the tailer's parser).
type Utf8WritableBuffer = Buffer & { utf8Write(s: string, offset: number, length: number): number };

/**
 * NDJSON written straight into one growing Buffer. A body built by string concatenation is a
 * tree of thousands of pieces that lives through the whole batch, gets promoted and then
 * encoded to UTF-8 once more by the HTTP layer: writing each line as it is made halves the
 * garbage-collection work of the bulk path.
 */
export class BodyBuffer {
  private buf: Buffer;
  private len = 0;

  /** A size to allocate, or a buffer to write into (from a BodyPool), replaced when outgrown. */
  constructor(start: number | Buffer) {
    this.buf = typeof start === 'number' ? Buffer.allocUnsafe(start) : start;
  }

  /** The whole buffer written into, to hand back to the pool once the request is over. */
  get backing(): Buffer {
    return this.buf;
  }

  private room(bytes: number): void {
    if (this.len + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + bytes));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  write(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.room(s.length * 3);
    // utf8Write is what buf.write ends in, without its argument shuffling (a line calls it once).
    this.len += (this.buf as Utf8WritableBuffer).utf8Write(s, this.len, this.buf.length - this.len);
  }

  /** Bytes encoded once and reused (the part of a document that is the same for a container). */
  writeBytes(b: Buffer): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/**
 * Body buffers kept from one request to the next: a fresh multi-megabyte buffer per request,
 * grown by doubling while the body is written, cost a tenth of the bulk path's CPU in copies
 * (issue 16 profile). A buffer returns here only once its request is over.
 */
export class BodyPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep = 4) {}

  /** A buffer of at least `size` bytes: a kept one when it is big enough. */
  take(size: number): Buffer {
    const b = this.free.pop();
    return b !== undefined && b.length >= size ? b : Buffer.allocUnsafe(size);
  }

  give(b: Buffer): void {
    if (this.free.length < this.keep) this.free.push(b);
  }
}
