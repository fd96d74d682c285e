import type { Clock } from '../../core/clock';
import { systemClock } from '../../core/clock';
import type { LookoutEvent, MetricSample } from '../../core/events';
import { writeNumber } from './carbon/digits';
import { GraphitePaths } from './carbon/paths';
import { GenerationalMap } from './generational-map';

/** Fits one Ethernet frame (1 500 bytes less IPv6 and UDP headers): no IP fragmentation on a LAN. */
export const DEFAULT_MAX_DATAGRAM_BYTES = 1432;

/**
 * How long counter totals are kept per generation: a series reported at least once an hour (the
 * collector samples every 10 s) keeps its baseline; one silent for two hours is forgotten.
 */
export const DEFAULT_TOTALS_GENERATION_MS = 60 * 60 * 1000;

export interface StatsdDatagramsOptions {
  maxDatagramBytes?: number;
  initialBytes?: number;
  /** Read once per `encode`, to tell when the counter totals start a new generation. */
  clock?: Clock;
  totalsGenerationMs?: number;
}

const COLON = 0x3a;
const PIPE = 0x7c;
const NEWLINE = 0x0a;
const GAUGE = 0x67; // g
const COUNTER = 0x63; // c

/** What hot-shots replaces in a stat name (`:` and `|` end the name, newlines end the line). */
const STATSD_UNSAFE = /[:|\n\r]/g;

/**
 * StatsD lines (`name:value|g`, `name:delta|c`) written into one reused buffer and cut into
 * datagrams of at most `maxDatagramBytes`, whole lines only, joined by newlines: the text
 * hot-shots builds for `gauge()` and `increment()` with its buffer on, without a string, a
 * callback and a promise per sample (issue 16: that cost the StatsD path four times the CPU of
 * the carbon path). A line longer than the limit goes alone in its own datagram, as hot-shots does.
 *
 * A gauge line with a sign is a delta to StatsD (`x:-5|g` subtracts 5), so a negative gauge is
 * written as `x:0|g` then `x:-5|g`, in the same datagram (a temperature, a clock offset, a
 * balance may be below zero; hot-shots sends the value as is).
 *
 * Our counters are running totals (bytes since start); StatsD counters are increments, so a
 * counter line carries the growth since the last total seen (the whole value after a reset), and
 * the first total of a series only sets the baseline.
 *
 * Totals are kept in two generations (generational-map.ts), the current one started every
 * `totalsGenerationMs`, so the series of containers long gone do not stay forever. A series silent
 * for two generations is forgotten: when it comes back, its first total only sets the baseline
 * again, as for a new series. Nothing is sent for the silent gap rather than a wrong increment
 * (a container of the same name may have restarted its counters from zero meanwhile).
 *
 * The returned datagrams are views of the pool: valid until the next `encode`.
 */
export class StatsdDatagrams {
  private pool: Buffer;
  private at = 0;
  private readonly paths: GraphitePaths;
  private readonly totals = new GenerationalMap<string, number>();
  private readonly maxDatagramBytes: number;
  private readonly clock: Clock;
  private readonly totalsGenerationMs: number;
  private totalsGenerationStart: number;

  constructor(
    prefix: string,
    private readonly tags: boolean,
    options: StatsdDatagramsOptions = {},
  ) {
    this.paths = new GraphitePaths(prefix, tags);
    this.pool = Buffer.allocUnsafe(options.initialBytes ?? 64 * 1024);
    this.maxDatagramBytes = options.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES;
    this.clock = options.clock ?? systemClock;
    this.totalsGenerationMs = options.totalsGenerationMs ?? DEFAULT_TOTALS_GENERATION_MS;
    this.totalsGenerationStart = this.clock.now();
  }

  /** The batch's finite metric samples as datagrams. */
  encode(events: readonly LookoutEvent[]): Buffer[] {
    const datagrams: Buffer[] = [];
    this.at = 0;
    this.ageTotals();
    let start = 0;
    for (const e of events) {
      if (e.kind !== 'metric' || !Number.isFinite(e.value)) continue;
      const lineStart = this.at;
      if (!this.writeLine(e)) continue;
      // this.at is past the line's newline; the datagram would hold [start, this.at - 1).
      if (this.at - 1 - start > this.maxDatagramBytes && lineStart > start) {
        datagrams.push(this.pool.subarray(start, lineStart - 1));
        start = lineStart;
      }
    }
    if (this.at > start) datagrams.push(this.pool.subarray(start, this.at - 1));
    return datagrams;
  }

  /** Series whose last counter total is remembered (in either generation). */
  get countersKnown(): number {
    return this.totals.size;
  }

  /**
   * Once per batch, not per sample: a counter sample costs what a plain Map's get and set cost.
   * A clock stepped back restarts the generation without rotating, so it can never forget
   * sooner than promised.
   */
  private ageTotals(): void {
    const now = this.clock.now();
    if (now < this.totalsGenerationStart) this.totalsGenerationStart = now;
    if (now - this.totalsGenerationStart < this.totalsGenerationMs) return;
    this.totals.rotate();
    this.totalsGenerationStart = now;
  }

  /** Writes `name:value|type\n`; false (nothing written) for a counter that did not move. */
  private writeLine(s: MetricSample): boolean {
    let name = this.paths.of(s);
    if (this.tags) name = name.replace(STATSD_UNSAFE, '_');
    let value = s.value;
    if (s.type !== 'gauge') {
      const prev = this.totals.exchange(name, s.value);
      value = prev === undefined ? 0 : s.value >= prev ? s.value - prev : s.value;
      if (value === 0) return false;
    }
    // Worst case: three UTF-8 bytes per name unit (tag values may hold any text) and a number,
    // twice for a negative gauge.
    this.reserve(name.length * 6 + 128);
    if (s.type === 'gauge' && value < 0) {
      this.at += this.pool.write(name, this.at, 'utf8');
      this.pool[this.at++] = COLON;
      this.at = writeNumber(this.pool, this.at, 0);
      this.pool[this.at++] = PIPE;
      this.pool[this.at++] = GAUGE;
      this.pool[this.at++] = NEWLINE;
    }
    this.at += this.pool.write(name, this.at, 'utf8');
    this.pool[this.at++] = COLON;
    this.at = writeNumber(this.pool, this.at, value);
    this.pool[this.at++] = PIPE;
    this.pool[this.at++] = s.type === 'gauge' ? GAUGE : COUNTER;
    this.pool[this.at++] = NEWLINE;
    return true;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.pool.length) return;
    // The views handed out earlier in this encode still point at the old pool: keep it intact.
    const grown = Buffer.allocUnsafe(Math.max(this.pool.length * 2, this.at + bytes));
    this.pool.copy(grown, 0, 0, this.at);
    this.pool = grown;
  }
}
