/**
 * A map that forgets keys nobody wrote lately, without a timestamp per entry: entries live in
 * two generations, and `rotate()` drops the older one and starts a new one. A key written since
 * the last rotation is in the current generation; a key only in the previous one moves over when
 * it is written again. So a key touched at least once between two rotations is never forgotten,
 * and a key untouched for two rotations is.
 *
 * Why this shape: the metric sinks keep something per series (a counter's last total) and see
 * millions of samples a second, while on a Docker host series come and go with containers (CI
 * runners, cron jobs, autoscaled pools). A key in the current generation costs what a plain
 * Map's get and set cost; only a miss there looks in the previous one (and deletes from it on a
 * hit). When to rotate (a clock, a size) is the owner's choice.
 *
 * `undefined` is not a storable value: `exchange` answers it for a key it did not hold.
 */
export class GenerationalMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  /** Stores `value` under `key` and answers what the key held before, if anything. */
  exchange(key: K, value: V): V | undefined {
    const before = this.current.get(key);
    this.current.set(key, value);
    if (before !== undefined || this.previous.size === 0) return before;
    // Moved, not copied: the entry is held once, and lives on as long as it is used.
    const old = this.previous.get(key);
    if (old !== undefined) this.previous.delete(key);
    return old;
  }

  /** Forgets what was not touched since the last rotation. */
  rotate(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** Keys held, in either generation. */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
