/**
 * The log-scale histograms behind percentile reducers: one per ring slot (bucket) and one for the
 * window, each a run of (bin, count) pairs sorted by bin, in typed arrays. They replace a
 * `Map<number, number>` per slot and one for the window (issue 16, rule evaluation speed): the
 * window stays sorted, so a quantile is one pass and a new bin costs a shift instead of a sort
 * of all keys at the next quantile (a climbing value, such as a counter, made a new bin per
 * sample); a slot is emptied by setting its pair count to zero; no Map objects per slot.
 */

/** ~2 % relative error: plenty for "p99 latency above 500 ms". */
const HIST_SCALE = 50;
/** Bin of every value <= 0 (and -Infinity): sorts first, reads back as 0. */
const ZERO_BIN = -1e9;
/** Bin of +Infinity: after every finite value (finite bins lie within about ±37 300). */
const INF_BIN = 1e9;
/** Bin of NaN: sorts last and reads back as NaN. */
const NAN_BIN = 2e9;
/** Room, in pairs, of a new window. */
const FIRST_CAPACITY = 4;
/** Room, in pairs, of a slot's first region: a steady gauge never needs more. */
const FIRST_SLOT_ROOM = 1;

export function histBin(v: number): number {
  if (v <= 0) return ZERO_BIN;
  if (v === Infinity) return INF_BIN;
  if (v !== v) return NAN_BIN; // NaN
  return Math.round(Math.log(v) * HIST_SCALE);
}

export function binValue(bin: number): number {
  if (bin === ZERO_BIN) return 0;
  if (bin === INF_BIN) return Infinity;
  if (bin === NAN_BIN) return NaN;
  return Math.exp(bin / HIST_SCALE);
}

/**
 * First index i in the sorted pairs t[from], t[from + 2], ... (n of them) with t[i] >= bin.
 * Checks the last pair first: a gauge repeats its value and a counter climbs, so the last bin is
 * the usual answer and the search the exception.
 */
function seek(t: Float64Array, from: number, n: number, bin: number): number {
  if (n === 0) return from;
  const last = from + 2 * (n - 1);
  if (t[last]! < bin) return last + 2;
  if (t[last] === bin) return last;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[from + 2 * mid]! < bin) lo = mid + 1;
    else hi = mid;
  }
  return from + 2 * lo;
}

const FULL = -1;

/**
 * Adds `by` to bin `bin` among the n pairs at t[from]: returns the new number of pairs, or FULL
 * when a new pair would not fit in `room` pairs.
 */
function bump(t: Float64Array, from: number, n: number, room: number, bin: number, by = 1): number {
  const i = seek(t, from, n, bin);
  const end = from + 2 * n;
  if (i < end && t[i] === bin) {
    t[i + 1] = t[i + 1]! + by;
    return n;
  }
  if (n === room) return FULL;
  // Usually nothing or a pair or two to move: a loop beats a copyWithin call here.
  for (let j = end - 1; j >= i; j--) t[j + 2] = t[j]!;
  t[i] = bin;
  t[i + 1] = by;
  return n + 1;
}

// Scratch for merging a slot into the window during a rescan, shared by all rings (one thread).
let merged = new Float64Array(512);

/**
 * Layout: one Float64Array per ring. Its first `slots` elements hold each slot's offset (0: the
 * slot never had a sample); a slot's region holds its pair count, its room in pairs, then the
 * (bin, count) pairs sorted by bin. A region that fills moves to the free end with twice the
 * room, and the array is compacted when the free end runs out: memory follows the bins each slot
 * really has (a climbing counter needs many, a steady gauge one), not the busiest slot's.
 * The window's pairs live in a second, small array.
 */
export class SlotHistograms {
  private t: Float64Array;
  /** Start of the free end of `t`. */
  private top: number;
  private w = new Float64Array(2 * FIRST_CAPACITY);
  private wLen = 0;
  /** The last value seen and its bin: a gauge often repeats a value, and a log costs more than a compare. */
  private lastV = NaN;
  private lastBin = NAN_BIN;

  constructor(private readonly slots: number) {
    this.t = new Float64Array(slots + 4 * (2 + 2 * FIRST_SLOT_ROOM));
    this.top = slots;
  }

  binOf(v: number): number {
    if (v === this.lastV) return this.lastBin;
    const bin = histBin(v);
    this.lastV = v;
    this.lastBin = bin;
    return bin;
  }

  /** Counts `by` samples (one unless told) of bin `bin` in `slot`. */
  addToSlot(slot: number, bin: number, by = 1): void {
    let o = this.t[slot]!;
    if (o === 0) o = this.region(slot, FIRST_SLOT_ROOM);
    let n = bump(this.t, o + 2, this.t[o]!, this.t[o + 1]!, bin, by);
    if (n === FULL) {
      o = this.region(slot, 2 * this.t[o + 1]!);
      n = bump(this.t, o + 2, this.t[o]!, this.t[o + 1]!, bin, by);
    }
    this.t[o] = n;
  }

  clearSlot(slot: number): void {
    const o = this.t[slot]!;
    if (o !== 0) this.t[o] = 0;
  }

  /** A region of `room` pairs for `slot` at the free end, holding the slot's pairs so far. */
  private region(slot: number, room: number): number {
    const size = 2 + 2 * room;
    if (this.top + size > this.t.length) this.compact(size);
    const { t } = this;
    const at = this.top;
    const old = t[slot]!;
    if (old !== 0) t.copyWithin(at, old, old + 2 + 2 * t[old]!);
    else t[at] = 0;
    t[at + 1] = room;
    t[slot] = at;
    this.top = at + size;
    return at;
  }

  /** Copies the live regions into a new array with room for `need` more elements, plus half again for later growth. */
  private compact(need: number): void {
    const old = this.t;
    let live = this.slots;
    for (let s = 0; s < this.slots; s++) if (old[s] !== 0) live += 2 + 2 * old[old[s]! + 1]!;
    const t = new Float64Array(live + need + ((live + need) >> 1));
    let at = this.slots;
    for (let s = 0; s < this.slots; s++) {
      const o = old[s]!;
      if (o === 0) continue;
      const size = 2 + 2 * old[o + 1]!;
      t.set(old.subarray(o, o + 2 + 2 * old[o]!), at);
      t[at + 1] = old[o + 1]!;
      t[s] = at;
      at += size;
    }
    this.t = t;
    this.top = at;
  }

  /** Counts `by` samples (one unless told) of bin `bin` in the window. */
  addToWindow(bin: number, by = 1): void {
    let n = bump(this.w, 0, this.wLen, this.w.length >> 1, bin, by);
    if (n === FULL) {
      this.growWindow(this.w.length * 2);
      n = bump(this.w, 0, this.wLen, this.w.length >> 1, bin, by);
    }
    this.wLen = n;
  }

  clearWindow(): void {
    this.wLen = 0;
  }

  /** Adds a slot's counts to the window: a linear merge of two sorted runs. */
  mergeSlotIntoWindow(slot: number): void {
    const o = this.t[slot]!;
    if (o === 0) return;
    const from = o + 2;
    const n = this.t[o]!;
    if (n === 0) return;
    const wEnd = 2 * this.wLen;
    const sEnd = from + 2 * n;
    if (merged.length < wEnd + 2 * n) merged = new Float64Array((wEnd + 2 * n) * 2);
    const { t, w } = this;
    let a = 0;
    let b = from;
    let out = 0;
    while (a < wEnd || b < sEnd) {
      const ka = a < wEnd ? w[a]! : Infinity;
      const kb = b < sEnd ? t[b]! : Infinity;
      merged[out] = ka < kb ? ka : kb;
      merged[out + 1] = (ka <= kb ? w[a + 1]! : 0) + (kb <= ka ? t[b + 1]! : 0);
      if (ka <= kb) a += 2;
      if (kb <= ka) b += 2;
      out += 2;
    }
    if (out > this.w.length) this.growWindow(out * 2);
    this.w.set(merged.subarray(0, out));
    this.wLen = out >> 1;
  }

  /**
   * Quantile q of the window's `count` samples: the first bin whose running count reaches
   * q * count (the last bin if rounding leaves it short). NaN for an empty window.
   */
  quantile(count: number, q: number): number {
    const bin = this.quantileBin(count, q);
    if (bin === bin) return binValue(bin);
    const end = 2 * this.wLen;
    return count === 0 || end === 0 ? NaN : binValue(this.w[end - 2]!);
  }

  /** quantileBin's answer: the samples in bins below it, and in it. */
  below = 0;
  at = 0;

  /**
   * The bin `quantile` answers from, with `below` and `at` set; NaN for an empty window, or when
   * rounding leaves the rank past the last bin (then `quantile` reads the last bin).
   */
  quantileBin(count: number, q: number): number {
    const end = 2 * this.wLen;
    if (count === 0 || end === 0) return NaN;
    const rank = q * count;
    let seen = 0;
    for (let i = 0; i < end; i += 2) {
      const c = this.w[i + 1]!;
      if (seen + c >= rank) {
        this.below = seen;
        this.at = c;
        return this.w[i]!;
      }
      seen += c;
    }
    return NaN;
  }

  private growWindow(size: number): void {
    const w = new Float64Array(size);
    w.set(this.w.subarray(0, 2 * this.wLen));
    this.w = w;
  }
}
