/**
 * TEST DOUBLE ONLY, never used by the product: the stand-in broker's in-memory partition logs.
 * Record batches (magic 2) are kept as the producer sent them; only the base offset in the
 * header is rewritten, which the batch CRC does not cover (it starts at `attributes`).
 */
import { crc32c } from './codec';

export const ERR = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
} as const;

/** Offsets of fields in a v2 record batch header. */
const H = {
  baseOffset: 0,
  length: 8,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
} as const;
export const BATCH_HEADER_BYTES = 61;

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

/** What the idempotent producer sent last, per partition: enough to answer a retried batch with its first answer. */
interface ProducerState {
  epoch: number;
  lastSeq: number;
  recent: Array<{ firstSeq: number; baseOffset: number }>;
}

export class PartitionLog {
  readonly batches: StoredBatch[] = [];
  nextOffset = 0;
  private readonly producers = new Map<bigint, ProducerState>();

  /** Appends every batch of a record set; returns the base offset of the first, or an error code. */
  append(recordSet: Buffer): { error: number; baseOffset: number } {
    const parsed: Buffer[] = [];
    for (let pos = 0; pos < recordSet.length;) {
      if (recordSet.length - pos < BATCH_HEADER_BYTES) return { error: ERR.CORRUPT_MESSAGE, baseOffset: -1 };
      const total = 12 + recordSet.readInt32BE(pos + H.length);
      if (pos + total > recordSet.length) return { error: ERR.CORRUPT_MESSAGE, baseOffset: -1 };
      const batch = recordSet.subarray(pos, pos + total);
      if (batch.readInt8(H.magic) !== 2) return { error: ERR.UNSUPPORTED_FOR_MESSAGE_FORMAT, baseOffset: -1 };
      if (crc32c(batch.subarray(H.attributes)) !== batch.readUInt32BE(H.crc))
        return { error: ERR.CORRUPT_MESSAGE, baseOffset: -1 };
      parsed.push(batch);
      pos += total;
    }
    let first = -1;
    for (const batch of parsed) {
      const r = this.appendOne(batch);
      if (r.error !== ERR.NONE) return r;
      if (first < 0) first = r.baseOffset;
    }
    return { error: ERR.NONE, baseOffset: first };
  }

  private appendOne(batch: Buffer): { error: number; baseOffset: number } {
    const producerId = batch.readBigInt64BE(H.producerId);
    const firstSeq = batch.readInt32BE(H.baseSequence);
    const count = batch.readInt32BE(H.lastOffsetDelta) + 1;
    let state: ProducerState | undefined;
    if (producerId >= 0n) {
      const epoch = batch.readInt16BE(H.producerEpoch);
      state = this.producers.get(producerId);
      if (state && state.epoch === epoch) {
        // A retry of a batch we already have (its answer was lost): answer as the first time, store nothing.
        const dup = state.recent.find((b) => b.firstSeq === firstSeq);
        if (dup) return { error: ERR.NONE, baseOffset: dup.baseOffset };
        if (firstSeq !== state.lastSeq + 1)
          return { error: ERR.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
      } else {
        state = { epoch, lastSeq: -1, recent: [] };
        this.producers.set(producerId, state);
      }
    }
    const baseOffset = this.nextOffset;
    const bytes = Buffer.from(batch); // own the bytes: the request frame is reused
    bytes.writeBigInt64BE(BigInt(baseOffset), H.baseOffset);
    this.batches.push({
      baseOffset,
      lastOffset: baseOffset + count - 1,
      maxTimestamp: Number(bytes.readBigInt64BE(H.maxTimestamp)),
      bytes,
    });
    this.nextOffset += count;
    if (state) {
      state.lastSeq = firstSeq + count - 1;
      state.recent.push({ firstSeq, baseOffset });
      if (state.recent.length > 5) state.recent.shift();
    }
    return { error: ERR.NONE, baseOffset };
  }

  /** Whole batches from the one holding `offset`, at least one, then up to `maxBytes`. */
  read(offset: number, maxBytes: number): { error: number; records: Buffer } {
    if (offset < 0 || offset > this.nextOffset)
      return { error: ERR.OFFSET_OUT_OF_RANGE, records: Buffer.alloc(0) };
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const out: Buffer[] = [];
    let size = 0;
    for (let i = lo; i < this.batches.length; i++) {
      const b = this.batches[i]!.bytes;
      if (out.length > 0 && size + b.length > maxBytes) break;
      out.push(b);
      size += b.length;
    }
    return { error: ERR.NONE, records: Buffer.concat(out, size) };
  }

  /** ListOffsets: -1 latest, -2 earliest, else the first batch whose max timestamp reaches `ts`. */
  offsetForTime(ts: number): number {
    if (ts === -1) return this.nextOffset;
    if (ts === -2) return 0;
    const b = this.batches.find((x) => x.maxTimestamp >= ts);
    return b ? b.baseOffset : this.nextOffset;
  }
}

export class TopicStore {
  readonly topics = new Map<string, PartitionLog[]>();
  private waiters = new Set<() => void>();

  create(name: string, partitions: number): void {
    this.topics.set(
      name,
      Array.from({ length: partitions }, () => new PartitionLog()),
    );
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[partition];
  }

  /** Wakes every long-polling Fetch; each re-checks its own partitions. */
  notify(): void {
    const w = this.waiters;
    this.waiters = new Set();
    for (const f of w) f();
  }

  /** Resolves at the next append or after `ms`, whichever first. */
  waitForData(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
