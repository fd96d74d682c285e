import type { LookoutEvent, MetricSample } from '../../../core/events';
import { graphiteName, subjectOf } from '../names';

/** Paths remembered before the cache starts over (container churn must not grow it forever). */
const MAX_CACHED_PATHS = 20_000;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;

interface CachedPath {
  path: string;
  service: string | undefined;
}

/**
 * Carbon plaintext lines written straight into one reused buffer, byte for byte what
 * `carbonLines` builds as a string (see the test beside this file).
 *
 * Why: the string version made, per sample, the path (several regex replacements), a line, and a
 * rope of 5 000 lines per batch, which Node then copied into a Buffer for the socket. At a million
 * samples a second the young generation filled every few milliseconds with a batch still half
 * built, so its lines survived, were promoted, and the old space grew by ~4 MB per scavenge until
 * the next full GC (issue 16: peak RSS during bench:ship). Here the path of a series is built once
 * and cached, numbers are written as digits, and nothing per sample outlives the loop.
 *
 * The returned bytes are a view of the pool: valid until the next `encode`. The owner writes one
 * batch at a time and waits for the socket's callback (the bytes left our buffers) before the next
 * encode; after a failed write it calls `abandon`, since the socket may still hold the old view.
 */
export class CarbonEncoder {
  private pool: Buffer;
  private at = 0;
  private cached = 0;
  /** host → subject → metric name → path: no key string is built per sample. */
  private paths = new Map<string, Map<string, Map<string, CachedPath>>>();

  constructor(
    private readonly prefix: string,
    private readonly tags: boolean,
    initialBytes = 64 * 1024,
  ) {
    this.pool = Buffer.allocUnsafe(initialBytes);
  }

  /** The batch's lines (finite metric samples only), as a view of the pool. */
  encode(events: readonly LookoutEvent[]): Buffer {
    this.at = 0;
    for (const e of events) {
      if (e.kind !== 'metric' || !Number.isFinite(e.value)) continue;
      const path = this.pathOf(e);
      // Worst case: three UTF-8 bytes per path unit (tag values may hold any text) and two numbers.
      this.reserve(path.length * 3 + 64);
      this.at += this.pool.write(path, this.at, 'utf8');
      this.pool[this.at++] = SPACE;
      this.writeNumber(e.value);
      this.pool[this.at++] = SPACE;
      this.writeNumber(Math.floor(e.ts / 1000));
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

  private pathOf(s: MetricSample): string {
    // Tagged names carry every label: too many shapes to key cheaply, and rare at high rates.
    if (this.tags && s.labels !== undefined) return graphiteName(s, this.prefix, this.tags);
    const subject = this.tags ? (s.container?.name ?? '') : subjectOf(s);
    let bySubject = this.paths.get(s.host);
    if (bySubject === undefined)
      this.paths.set(s.host, (bySubject = new Map<string, Map<string, CachedPath>>()));
    let byName = bySubject.get(subject);
    if (byName === undefined) bySubject.set(subject, (byName = new Map<string, CachedPath>()));
    const hit = byName.get(s.name);
    // A tagged path also names the service, which the container name alone does not pin down.
    if (hit !== undefined && (!this.tags || hit.service === s.container?.service)) return hit.path;
    const path = graphiteName(s, this.prefix, this.tags);
    if (this.cached >= MAX_CACHED_PATHS) {
      this.forgetPaths(); // the maps in hand belong to the old cache: start over on the next sample
      return path;
    }
    byName.set(s.name, { path, service: s.container?.service });
    this.cached++;
    return path;
  }

  private forgetPaths(): void {
    this.paths = new Map();
    this.cached = 0;
  }

  /** What `${n}` gives: digits by hand for safe integers, the engine's own text otherwise. */
  private writeNumber(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.at += this.pool.write(String(n), this.at, 'latin1');
      return;
    }
    if (n < 0) {
      this.pool[this.at++] = MINUS;
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    for (let i = this.at + digits - 1; i >= this.at; i--) {
      this.pool[i] = ZERO + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at += digits;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.pool.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.pool.length * 2, this.at + bytes));
    this.pool.copy(grown, 0, 0, this.at);
    this.pool = grown;
  }
}
