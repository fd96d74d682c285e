/**
 * Graphite-target rules against the real graphite-web (issue 14):
 *   npm run bench:graphite-rules        (BENCH_RULES=200 BENCH_SECONDS=60 by default)
 *
 * 200 `kind: graphite` rules at a 10 s interval (one in four a function over a wildcard), run by
 * the alerter's own poller (bounded concurrency, deadlines) for BENCH_SECONDS, over series this
 * bench writes to carbon first. Reports the render request latency p50/p99 (as the rules see it:
 * from asking to the parsed answer), the requests/s graphite-web served, the samples fed, and
 * the machine with its load average.
 */
import net from 'node:net';
import os from 'node:os';
import { systemClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { GraphitePoller } from '../alerter/graphite/poller';
import { compileRules } from '../alerter/rules/compile';
import { loadRuleText } from '../alerter/rules/load';

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

async function main(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  for (let i = 0; i < RULES; i++)
    for (let s = 120; s > 0; s -= 10)
      for (const h of ['host1', 'host2'])
        lines.push(`${run}.svc${i}.${h}.latency ${100 + (i % 50)} ${now - s}`);
  await carbon(lines);
  const loaded = loadRuleText('bench.yaml', rulesYaml());
  if (loaded.problems.length > 0) throw new Error(JSON.stringify(loaded.problems[0]));
  const rules = compileRules(loaded.rules, { latenessMs: 5000 });
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
  const load0 = os.loadavg();
  const t0 = Date.now();
  const timer = setInterval(() => poller.poll(), 250);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(timer);
  await poller.stop();
  const elapsed = (Date.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(
    [
      `graphite-rules: ${RULES} rules, 10 s interval, ${elapsed.toFixed(0)} s, max 8 in flight`,
      `  render requests: ${latencies.length} ok, ${failures} failed, ${(latencies.length / elapsed).toFixed(1)} requests/s on graphite-web (expected ${(RULES / 10).toFixed(1)})`,
      `  latency ms: p50 ${pct(latencies, 0.5).toFixed(1)}, p99 ${pct(latencies, 0.99).toFixed(1)}, max ${(latencies.at(-1) ?? NaN).toFixed(1)}`,
      `  samples fed: ${samples}`,
      `  machine: ${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
