/**
 * Percentile windows alone: what bench:rules' overlapping phase spends on its p95 groups, without
 * the router, label sets and alert states around them (issue 16, point 3).
 *   npx tsx bench/percentiles.ts [--rounds 5]
 *
 * 9 000 rings with a histogram (about the p95 groups of bench:rules), 1-minute windows with 5 s
 * of lateness; samples go round-robin over the rings, event time advancing 10 ms per 1 000
 * samples, and each sample is followed by a quantile, as the engine evaluates a group after each
 * sample. Three kinds of values, each in a child process of its own so its peak RSS is its own:
 *   gauge:   one steady value per ring (a bin per ring: the easy case)
 *   spread:  values over two decades (about 230 bins, all seen early)
 *   counter: a climbing value (a new bin every few samples, as a p95 over bytes or a slowly
 *            rising latency makes)
 * Figures: samples per CPU-second of this process (no partner: the loop is the generator and
 * costs a few ns per sample) and peak RSS.
 */
import { spawn } from 'node:child_process';
import { Ring, windowShape } from '../alerter/engine/window';
import {
  ownCpuSeconds,
  peakRssMiB,
  printHeader,
  printSummaries,
  roundsFromArgs,
  runRounds,
} from './lib/report';

const RINGS = 9_000;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 6_000_000);
const KINDS = ['gauge', 'spread', 'counter'] as const;
type Kind = (typeof KINDS)[number];

const valueOf: Record<Kind, (i: number) => number> = {
  gauge: (i) => 10 + ((i % RINGS) % 50),
  spread: (i) => 1 + ((i * 7919) % 1000) / 10,
  counter: (i) => i * 100,
};

function feed(rings: Ring[], kind: Kind, n: number, t0: number): number {
  const value = valueOf[kind];
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const r = rings[i % RINGS]!;
    const ts = t0 + i * 0.01;
    r.add(ts, value(i));
    acc += r.quantile(ts, 0.95);
  }
  return acc;
}

/** One kind in this (child) process: its figures as one JSON line. */
function measure(kind: Kind): Record<string, number> {
  const shape = windowShape(60_000, 5_000);
  const rings = Array.from({ length: RINGS }, () => new Ring(shape, { histogram: true }));
  // Warm-up, not timed: every ring has samples and V8 has optimised the loop.
  feed(rings, kind, RINGS * 20, 1_699_999_000_000);
  const cpu0 = ownCpuSeconds();
  const acc = feed(rings, kind, SAMPLES, 1_700_000_000_000);
  const cpu = ownCpuSeconds() - cpu0;
  if (!(acc > 0)) throw new Error(`${kind}: no quantiles`); // also keeps the loop from being dropped
  return { [`${kind} samples/CPU-s`]: Math.round(SAMPLES / cpu), [`${kind} peak RSS MiB`]: peakRssMiB() };
}

function child(kind: Kind): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, __filename, '--kind', kind], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim()) as Record<string, number>)
        : reject(new Error(`${kind} exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--kind');
  if (at >= 0) {
    console.log(JSON.stringify(measure(process.argv[at + 1] as Kind)));
    return;
  }
  const rounds = roundsFromArgs();
  printHeader(`npx tsx bench/percentiles.ts --rounds ${rounds} (BENCH_SAMPLES=${SAMPLES})`);
  console.log(`${RINGS} percentile rings, 1m windows, a p95 after every sample`);
  const s = await runRounds(rounds, async () => {
    let figures: Record<string, number> = {};
    for (const k of KINDS) figures = { ...figures, ...(await child(k)) };
    return figures;
  });
  printSummaries(s);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
