import fs from 'node:fs';
import path from 'node:path';
import type { PrivateCarbon } from '../support/carbon-private';
import { waitFor } from '../support/docker';
import { largestGap, type LineLedger, type RssSampler } from './support-outage';

/**
 * outage-collector.test.ts's scenario: its figures (how many containers and lines, how long the
 * outage, the collector's memory settings and the RSS it must stay under), the collector's
 * config, and the checks both cases end with: every line once, every sample at its own second,
 * no dead letters.
 */

/** The whisper series of one container's metric. */
export type Series = (name: string, metric: string) => string;
/** A collector whose RSS was sampled. */
export interface Measured {
  rss: RssSampler;
  idleRss: number;
}

export const CONTAINERS = 5;
/** Batches of 100 lines, one per 0.1 s: about 80 s of 1 000 lines/s per container. */
export const BATCHES = 800;
export const LINES = BATCHES * 100;
export const OUTAGE_MS = 60_000;
export const STATS_INTERVAL_S = 2;
/** delivery.memory_max_bytes: events one sink may hold in memory before they spill to the spool. */
export const MEMORY_MAX = 32 * 1024 * 1024;
/** delivery.spill_after: how long samples of a stuck write may wait in memory (lost by a kill -9). */
export const SPILL_AFTER_S = 2;
/**
 * The collector runs as shipped: bin/lookout sets no V8 heap limit. Run from source (node + tsx)
 * it sits at 105-120 MiB idle here. On top of that each of the two sinks may hold MEMORY_MAX in
 * its queue, and V8 lets its heap grow well past the live data while a drain allocates fast:
 * the peak comes right after the backends return (200-270 MiB measured; 177 MiB when the same
 * run is given --max-old-space-size=96, so it is garbage not yet collected, not data kept).
 * A leak in proportion to the outage (the 300 000 spooled lines held in memory) would go past
 * the ceiling by far.
 */
export const NODE_BASELINE = 128 * 1024 * 1024;
export const V8_SLACK = 128 * 1024 * 1024;
export const RSS_CEILING = NODE_BASELINE + 2 * MEMORY_MAX + V8_SLACK;
export const MiB = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;

/** The collector's config for one case: this run's host, the case's indices and state folder. */
export function configFor(c: {
  runId: string;
  caseId: string;
  dir: string;
  esUrl: string;
  carbonPort: number;
}): string {
  const { runId, caseId, dir, esUrl, carbonPort } = c;
  return `
host: ${runId}
state: { path: ${path.join(dir, 'state.db')} }
log: { level: info, format: json }
http: { listen: "127.0.0.1:0" }
collector:
  stats: { interval: ${STATS_INTERVAL_S}s }
sinks:
  - type: elasticsearch
    url: ${esUrl}
    index_mode: daily
    logs_index: ${caseId}-logs
    lifecycle_index: ${caseId}-life
    request_timeout: 10s
  - { type: graphite, address: "127.0.0.1:${carbonPort}", prefix: lookout, connect_timeout: 2s }
delivery:
  memory_max_bytes: ${MEMORY_MAX}
  spill_after: ${SPILL_AFTER_S}s
  write_timeout: 10s
  retry: { initial: 200ms, max: 2s }
  dead_letter_dir: ${path.join(dir, 'dead-letter')}
`;
}

export interface SampleWindow {
  /** When the containers started (s). */
  from: number;
  outStart: number;
  outEnd: number;
  /** When every line had arrived (s): samples are checked up to here. */
  until: number;
  /** Stretches (s) around a kill -9, the only ones allowed a gap. */
  losses: Array<[number, number]>;
}

/** Why the samples of `names` are not (yet) as expected, or undefined when they are. */
async function sampleProblems(
  carbon: PrivateCarbon,
  series: Series,
  names: string[],
  w: SampleWindow,
): Promise<string | undefined> {
  const problems: string[] = [];
  const lost = (t: number) => w.losses.some(([a, b]) => t >= a && t <= b);
  for (const name of names) {
    const mem = await carbon.points(series(name, 'mem.usage_bytes'), w.from - 5, w.until + 5);
    const cpu = await carbon.points(series(name, 'cpu.percent'), w.from - 5, w.until + 5);
    const first = Math.min(...mem.keys());
    if (!Number.isFinite(first) || first > w.outStart) {
      problems.push(`${name}: no mem sample before the outage`);
      continue;
    }
    // Samples come every STATS_INTERVAL_S; a busy machine delays some, so ask for most of them.
    const outageSeconds =
      w.outEnd -
      w.outStart -
      w.losses.reduce((n, [a, b]) => n + Math.max(0, Math.min(b, w.outEnd) - Math.max(a, w.outStart)), 0);
    const expected = Math.floor((outageSeconds / STATS_INTERVAL_S) * 0.6);
    const inOutage = (p: Map<number, number>) =>
      [...p.keys()].filter((t) => t >= w.outStart && t <= w.outEnd && !lost(t)).length;
    if (inOutage(mem) < expected)
      problems.push(`${name}: ${inOutage(mem)} mem samples during the outage, want >= ${expected}`);
    if (inOutage(cpu) < expected)
      problems.push(`${name}: ${inOutage(cpu)} cpu samples during the outage, want >= ${expected}`);
    // No gap from the first sample to the end, but where the collector was killed.
    const cuts = [...w.losses].sort((x, y) => x[0] - y[0]);
    let start = first;
    for (const [a, b] of [...cuts, [w.until, w.until] as [number, number]]) {
      if (a > start) {
        const gap = largestGap(mem, start, a);
        if (gap > 10)
          problems.push(
            `${name}: a ${gap} s gap in mem samples within ${start}..${a} (outage ${w.outStart}..${w.outEnd})`,
          );
      }
      start = Math.max(start, b);
    }
  }
  return problems.length ? problems.join('; ') : undefined;
}

export async function awaitSamples(
  carbon: PrivateCarbon,
  series: Series,
  names: string[],
  w: SampleWindow,
): Promise<void> {
  let last: string | undefined = 'not checked';
  try {
    await waitFor(
      'samples in whisper',
      async () => (last = await sampleProblems(carbon, series, names, w)) === undefined,
      90_000,
      1000,
    );
  } catch {
    throw new Error(`samples of the test containers in carbon: ${last}`);
  }
}

export async function awaitAllLines(ledger: LineLedger, timeoutMs: number): Promise<void> {
  try {
    await waitFor(
      'every line in the stand-in',
      () => [...ledger.arrived().values()].every((n) => n === LINES),
      timeoutMs,
      500,
    );
  } catch {
    throw new Error(
      `lines in the stand-in per container: ${JSON.stringify([...ledger.arrived()])} of ${LINES} each; ${JSON.stringify(ledger.problems())}`,
    );
  }
}

export function expectExactlyOnce(ledger: LineLedger): void {
  const p = ledger.problems();
  expect(ledger.strays).toEqual([]);
  expect({ missing: p.missing, doubled: p.doubled }).toEqual({ missing: [], doubled: [] });
  expect(p.missingCount + p.doubledCount).toBe(0);
  // One document per line: no line under a second _id, none missing.
  expect(ledger.documents()).toBe(CONTAINERS * LINES);
}

export function noDeadLetters(dir: string): void {
  const dl = path.join(dir, 'dead-letter');
  const files = fs.existsSync(dl)
    ? fs.readdirSync(dl).filter((f) => fs.statSync(path.join(dl, f)).size > 0)
    : [];
  expect(files).toEqual([]);
}

/** RSS figures by phase: before the outage, during it, after it. */
export function rssReport(collectors: Measured[], started: number, ended: number): string {
  const max = (a: number, b?: number) => Math.max(...collectors.map((c) => c.rss.maxBetween(a, b)));
  const trace = collectors
    .flatMap((c) => c.rss.trace)
    .filter((_, i) => i % 50 === 0)
    .map(([t, r]) => `${((t - started) / 1000).toFixed(0)}s:${(r / 1048576).toFixed(0)}`);
  return `collector RSS idle ${MiB(collectors[0]!.idleRss)}, max before the outage ${MiB(max(0, started))}, during ${MiB(max(started, ended))}, after ${MiB(max(ended))} (ceiling ${MiB(RSS_CEILING)}); trace (s from outage start:MiB) ${trace.join(' ')}`;
}
