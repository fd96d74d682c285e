let lastBuf: Buffer | undefined;
let lastView: DataView | undefined;

/** A DataView of `buf`, made once per buffer (the tailer parses thousands of lines of one). */
export function viewOf(buf: Buffer): DataView {
  if (buf !== lastBuf) {
    lastBuf = buf;
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return lastView!;
}

/**
 * A fixed run of at least 4 bytes, compared with a buffer four bytes at a time: a DataView read
 * compiles to one load, where a byte loop costs a load and a bounds check per byte (issue 16: the
 * json-file parser's shape checks and its cached-second compare were 8 % of the tail; this way
 * they cost a third). The words are read at 0, 4, 8, ... and once more at length - 4.
 */
export class BytePattern {
  private readonly offsets: number[] = [];
  private readonly words: number[] = [];

  constructor(readonly length: number) {
    if (length < 4) throw new Error(`a byte pattern has at least 4 bytes, not ${length}`);
    for (let o = 0; o < length - 4; o += 4) this.offsets.push(o);
    this.offsets.push(length - 4);
    for (let i = 0; i < this.offsets.length; i++) this.words.push(0);
  }

  static of(text: string): BytePattern {
    const bytes = Buffer.from(text, 'latin1');
    const p = new BytePattern(bytes.length);
    p.load(bytes, 0);
    return p;
  }

  /** Becomes `buf[at, at + length)`, which must be inside the buffer. */
  load(buf: Buffer, at: number): void {
    const v = viewOf(buf);
    for (let i = 0; i < this.offsets.length; i++) this.words[i] = v.getUint32(at + this.offsets[i]!, true);
  }

  /** `buf[at, at + length)` is this pattern (false when it would reach outside the buffer). */
  matchesAt(buf: Buffer, at: number): boolean {
    if (at < 0 || at + this.length > buf.length) return false;
    const v = viewOf(buf);
    for (let i = 0; i < this.offsets.length; i++)
      if (v.getUint32(at + this.offsets[i]!, true) !== this.words[i]) return false;
    return true;
  }
}
