/**
 * Graphite-target rules against the real graphite-web (issue 14):
 *   npm run bench:graphite-rules [-- --rounds N]   (BENCH_RULES=200 BENCH_SECONDS=60 by default)
 *
 * 200 `kind: graphite` rules at a 10 s interval (one in four a function over a wildcard), run by
 * the alerter's own poller (bounded concurrency, deadlines) for BENCH_SECONDS, over series this
 * bench writes to carbon first. Reports the render request latency p50/p99 (as the rules see it:
 * from asking to the parsed answer), the requests/s graphite-web served and the samples fed, per
 * round and as median, min and max of N rounds (bench/lib/report: machine, load before and
 * after), with the CPU of this process apart from graphite-web's, and peak RSS.
 */
import fs from 'node:fs';
import net from 'node:net';
import { systemClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { GraphitePoller } from '../alerter/graphite/poller';
import { compileRules, type CompiledRule } from '../alerter/rules/compile';
import { loadRuleText } from '../alerter/rules/load';
import {
  cpuSecondsOf,
  ownCpuSeconds,
  peakRssMiB,
  printHeader,
  printSummaries,
  roundsFromArgs,
  runRounds,
} from './lib/report';

const RULES = Number(process.env.BENCH_RULES ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};
const run = `lkbench${process.pid}`;

function carbon(lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines.join('\n') + '\n'));
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

function rulesYaml(): string {
  const out = ['rules:'];
  for (let i = 0; i < RULES; i++) {
    const target = i % 4 === 0 ? `sumSeries(${run}.svc${i}.*.latency)` : `${run}.svc${i}.host1.latency`;
    out.push(
      `  - {name: r${i}, kind: graphite, target: '${target}', reduce: avg, window: 1m, interval: 10s, threshold: 1000}`,
    );
  }
  return out.join('\n');
}

const pct = (xs: number[], q: number): number =>
  xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

/**
 * graphite-web is this bench's partner: the gunicorn processes bound to GRAPHITE_URL's port, found
 * in /proc. Their CPU is reported apart from ours (it includes any other client of the shared
 * graphite-web during the round).
 */
function graphiteWebPids(): number[] {
  const port = new URL(GRAPHITE_URL).port || '80';
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.endsWith('gunicorn')) && args.some((a) => a.endsWith(`:${port}`)))
        pids.push(Number(entry));
    } catch {
      // gone between readdir and read
    }
  }
  return pids;
}

const cpuOf = (pids: number[]): number =>
  pids.reduce((sum, pid) => {
    try {
      return sum + cpuSecondsOf(pid);
    } catch {
      return sum;
    }
  }, 0);

/** One round: fresh series in carbon, then the poller for BENCH_SECONDS against graphite-web. */
async function round(rules: CompiledRule[], partners: number[]): Promise<Record<string, number>> {
  const now = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  for (let i = 0; i < RULES; i++)
    for (let s = 120; s > 0; s -= 10)
      for (const h of ['host1', 'host2'])
        lines.push(`${run}.svc${i}.${h}.latency ${100 + (i % 50)} ${now - s}`);
  await carbon(lines);
  const latencies: number[] = [];
  let failures = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    const t0 = performance.now();
    try {
      const res = await realFetch(...args);
      const body = await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      return new Response(body, { status: res.status, headers: res.headers });
    } catch (err) {
      failures++;
      throw err;
    }
  };
  let samples = 0;
  const poller = new GraphitePoller({
    config: { url: GRAPHITE_URL, max_concurrent: 8, blind_after: 3 },
    clock: systemClock,
    log: silentLogger(),
    rules: () => rules,
    feed: (s) => {
      samples += s.length;
      return Promise.resolve();
    },
  });
  const cpu0 = ownCpuSeconds();
  const partnerCpu0 = cpuOf(partners);
  const t0 = Date.now();
  const timer = setInterval(() => poller.poll(), 250);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(timer);
  await poller.stop();
  globalThis.fetch = realFetch;
  const elapsed = (Date.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    'render p50 ms': pct(latencies, 0.5),
    'render p99 ms': pct(latencies, 0.99),
    'requests/s': latencies.length / elapsed,
    failed: failures,
    'samples fed': samples,
    'bench CPU-s': ownCpuSeconds() - cpu0,
    ...(partners.length > 0 ? { 'graphite-web CPU-s': cpuOf(partners) - partnerCpu0 } : {}),
    'peak RSS MiB': peakRssMiB(),
  };
}

async function main(): Promise<void> {
  const rounds = roundsFromArgs();
  printHeader(
    `npx tsx bench/graphite-rules.ts --rounds ${rounds} (BENCH_RULES=${RULES} BENCH_SECONDS=${SECONDS})`,
  );
  const partners = graphiteWebPids();
  console.log(
    `graphite-rules: ${RULES} rules, 10 s interval, ${SECONDS} s per round, max 8 in flight, expected ${(RULES / 10).toFixed(1)} requests/s; graphite-web at ${GRAPHITE_URL}: ${partners.length > 0 ? `pids ${partners.join(' ')}` : 'no gunicorn process found, its CPU is not reported'}`,
  );
  const loaded = loadRuleText('bench.yaml', rulesYaml());
  if (loaded.problems.length > 0) throw new Error(JSON.stringify(loaded.problems[0]));
  const rules = compileRules(loaded.rules, { latenessMs: 5000 });
  printSummaries(await runRounds(rounds, () => round(rules, partners)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
