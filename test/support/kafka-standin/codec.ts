/**
 * TEST DOUBLE ONLY, never used by the product: the Kafka wire primitives the stand-in broker
 * needs (big-endian ints, int16-prefixed strings, int32-prefixed bytes and arrays, CRC-32C).
 * Only the non-flexible (pre-KIP-482) encodings, because the stand-in advertises only the
 * API versions from before tagged fields.
 */

export class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get offset(): number {
    return this.pos;
  }
  remaining(): number {
    return this.buf.length - this.pos;
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new RangeError(`truncated request: need ${n} bytes at ${this.pos} of ${this.buf.length}`);
  }
  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  /** An int64 that fits a JS number (offsets, timestamps). */
  int64n(): number {
    return Number(this.int64());
  }
  string(): string {
    const s = this.nullableString();
    return s ?? '';
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
  bytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    this.need(len);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
  array<T>(item: (r: Reader) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}

/** Collects chunks and concatenates once; responses are small except record sets, which are appended as-is. */
export class Writer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }
  int8(v: number): this {
    const b = Buffer.allocUnsafe(1);
    b.writeInt8(v);
    return this.push(b);
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  int64(v: number | bigint): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(v));
    return this.push(b);
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const s = Buffer.from(v, 'utf8');
    return this.int16(s.length).push(s);
  }
  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    return this.int32(v.length).push(v);
  }
  raw(v: Buffer): this {
    return this.push(v);
  }
  array<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

// CRC-32C (Castagnoli), the checksum of record batch v2. Node 20 has no built-in for it.
// Slicing-by-8: eight tables, eight bytes per step. The byte-at-a-time loop cost the stand-in
// 2-3 µs of CPU per uncompressed event in bench:kafka, as much as a third of lookout's own.
const T = (() => {
  const t = new Uint32Array(8 * 256); // table k at k * 256
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++)
    for (let n = 0; n < 256; n++)
      t[k * 256 + n] = (t[(k - 1) * 256 + n]! >>> 8) ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  return t;
})();

export function crc32c(buf: Buffer): number {
  let crc = 0xffffffff;
  let i = 0;
  for (const end = buf.length - 8; i <= end; i += 8) {
    const lo = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    crc =
      T[0x700 + (lo & 0xff)]! ^
      T[0x600 + ((lo >>> 8) & 0xff)]! ^
      T[0x500 + ((lo >>> 16) & 0xff)]! ^
      T[0x400 + (lo >>> 24)]! ^
      T[0x300 + buf[i + 4]!]! ^
      T[0x200 + buf[i + 5]!]! ^
      T[0x100 + buf[i + 6]!]! ^
      T[buf[i + 7]!]!;
  }
  for (; i < buf.length; i++) crc = T[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
