/**
 * Helpers of the real-collector outage test (outage-collector.test.ts): a ledger of the numbered
 * lines the Elasticsearch stand-in (TEST DOUBLE) takes in, the collector's /metrics read back,
 * and an RSS sampler for a child process.
 */
import fs from 'node:fs';
import type { ElasticsearchStandin } from '../support/elasticsearch-standin';

/** `<container name> seq=<n>`: what each test container prints, one number per line. */
const LINE = /^(\S+) seq=(\d+)$/;

/**
 * Counts, per container and sequence number, the distinct `_id`s the stand-in stored. Hooked
 * on the stand-in's per-item callback, which sees every item of every `_bulk` before it is
 * stored: an id the stand-in already holds in that index is a replay (answered 409 and
 * absorbed), anything else is a new document. `_id` is unique per index only, so the same id
 * landing in another daily index would be a second document, as in a real cluster. A line
 * stored under two ids (or in two indices) counts 2, a duplicate `_id` dedup did not catch; a
 * line never stored counts 0.
 */
export class LineLedger {
  private readonly counts = new Map<string, Uint8Array>();
  /** Documents of our containers whose message is not a numbered line, or out of range. */
  readonly strays: string[] = [];
  /** Repeats absorbed by `_id` (stand-in 409s) for our containers. */
  replays = 0;

  constructor(
    private readonly es: ElasticsearchStandin,
    /** Logs index prefix of this case: its daily indices are `<prefix>-YYYY.MM.DD`. */
    private readonly indexPrefix: string,
    names: string[],
    readonly lines: number,
  ) {
    for (const n of names) this.counts.set(n, new Uint8Array(lines));
  }

  observe(doc: Record<string, unknown>, id: string, index: string): void {
    if (!index.startsWith(`${this.indexPrefix}-`)) return;
    const name = (doc.container as { name?: string } | undefined)?.name;
    const counts = name === undefined ? undefined : this.counts.get(name);
    if (!counts) return;
    if (this.es.indices.get(index)?.has(id)) {
      this.replays++;
      return;
    }
    const m = LINE.exec(String(doc.message));
    const seq = m && m[1] === name ? Number(m[2]) : -1;
    if (seq < 0 || seq >= counts.length) {
      if (this.strays.length < 20) this.strays.push(`${name}: ${JSON.stringify(doc.message)}`);
      return;
    }
    if (counts[seq]! < 255) counts[seq]!++;
  }

  /** Distinct lines (container, seq) stored so far, per container. */
  arrived(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [n, c] of this.counts)
      out.set(
        n,
        c.reduce((a, v) => a + (v > 0 ? 1 : 0), 0),
      );
    return out;
  }

  /** Documents stored for our containers (distinct ids). */
  documents(): number {
    let n = 0;
    for (const c of this.counts.values()) for (const v of c) n += v;
    return n;
  }

  /** Up to `max` (container, seq) never stored, and stored under more than one id. */
  problems(max = 10): { missing: string[]; doubled: string[]; missingCount: number; doubledCount: number } {
    const missing: string[] = [];
    const doubled: string[] = [];
    let missingCount = 0;
    let doubledCount = 0;
    for (const [n, c] of this.counts)
      c.forEach((v, seq) => {
        if (v === 0 && missingCount++ < max) missing.push(`${n}#${seq}`);
        if (v > 1 && doubledCount++ < max) doubled.push(`${n}#${seq}×${v}`);
      });
    return { missing, doubled, missingCount, doubledCount };
  }

  /** Lets go of this case's documents in the stand-in (memory for the next case). */
  release(): void {
    for (const name of [...this.es.indices.keys()])
      if (name.startsWith(`${this.indexPrefix}-`)) this.es.indices.delete(name);
  }
}

/** One sample of a Prometheus text exposition, by metric name and `sink` label. */
export async function scrapeSinkGauges(metricsUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^(lookout_(?:spool|sink)_[a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const sink = /sink="([^"]*)"/.exec(m[2]!)?.[1];
    if (sink === undefined) continue;
    const kind = /kind="([^"]*)"/.exec(m[2]!)?.[1];
    out.set(`${m[1]}/${sink}${kind ? `/${kind}` : ''}`, Number(m[3]));
  }
  return out;
}

export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; `max` is the highest seen. */
export class RssSampler {
  max = 0;
  /** (time ms, RSS bytes) of every sample, for the phase figures of the report. */
  readonly trace: Array<[number, number]> = [];
  private readonly timer: NodeJS.Timeout;
  constructor(pid: number, everyMs = 200) {
    this.timer = setInterval(() => {
      const rss = rssOf(pid);
      if (rss === 0) return;
      this.max = Math.max(this.max, rss);
      this.trace.push([Date.now(), rss]);
    }, everyMs);
  }
  /** Highest RSS sampled in [from, until) (ms), 0 if none. */
  maxBetween(from: number, until = Infinity): number {
    return this.trace.reduce((m, [t, r]) => (t >= from && t < until ? Math.max(m, r) : m), 0);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Largest distance (s) between consecutive points with a timestamp in [from, until], edges included. */
export function largestGap(points: Map<number, number>, from: number, until: number): number {
  const ts = [...points.keys()].filter((t) => t >= from && t <= until).sort((a, b) => a - b);
  let prev = from;
  let gap = 0;
  for (const t of ts) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return Math.max(gap, until - prev);
}
