/**
 * A map from small non-negative integers (series ids) to values, by open addressing with
 * linear probing in typed arrays: one lookup reads one Int32Array cell and one array cell, and
 * its size follows the entries held, not the largest id (a rule on one service holds a few dozen
 * groups among thousands of series ids). Deletion shifts the probe chain back (no tombstones),
 * so a table that sees groups come and go for months stays as short as its live entries.
 */
const EMPTY = -1;

export class IdTable<V> {
  private ids = new Int32Array(8).fill(EMPTY);
  private values: Array<V | undefined> = new Array<V | undefined>(8).fill(undefined);
  private mask = 7;
  /** 32 - log2(table size): a home slot is the top bits of the id times 2^32 / phi. */
  private shift = 29;
  private count = 0;

  private home(id: number): number {
    // Fibonacci hashing: ids in any stride (one service's containers) spread over the table.
    return Math.imul(id, 0x9e3779b1) >>> this.shift;
  }

  get size(): number {
    return this.count;
  }

  get(id: number): V | undefined {
    const ids = this.ids;
    const mask = this.mask;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const at = ids[i]!;
      if (at === id) return this.values[i];
      if (at === EMPTY) return undefined;
    }
  }

  set(id: number, value: V): void {
    if (id < 0 || !Number.isInteger(id)) throw new RangeError(`IdTable: bad id ${id}`);
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const ids = this.ids;
    const mask = this.mask;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const at = ids[i]!;
      if (at === id || at === EMPTY) {
        if (at === EMPTY) this.count++;
        ids[i] = id;
        this.values[i] = value;
        return;
      }
    }
  }

  delete(id: number): boolean {
    const ids = this.ids;
    const mask = this.mask;
    let i = this.home(id);
    while (ids[i] !== id) {
      if (ids[i] === EMPTY) return false;
      i = (i + 1) & mask;
    }
    // Backward shift: move later entries of the chain into the hole when their home slot
    // allows it, so every entry stays reachable from its home without a tombstone.
    let hole = i;
    for (let j = (hole + 1) & mask; ids[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(ids[j]!);
      const reachable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (!reachable) continue;
      ids[hole] = ids[j]!;
      this.values[hole] = this.values[j];
      hole = j;
    }
    ids[hole] = EMPTY;
    this.values[hole] = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    this.ids.fill(EMPTY);
    this.values.fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const oldIds = this.ids;
    const oldValues = this.values;
    const size = (this.mask + 1) * 2;
    this.ids = new Int32Array(size).fill(EMPTY);
    this.values = new Array<V | undefined>(size).fill(undefined);
    this.mask = size - 1;
    this.shift--;
    this.count = 0;
    for (let i = 0; i < oldIds.length; i++) if (oldIds[i] !== EMPTY) this.set(oldIds[i]!, oldValues[i] as V);
  }
}
