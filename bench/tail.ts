/**
 * npm run bench:tail — lines/s for tail + parse + enrich + serialise to an Elasticsearch _bulk
 * body, beside rsyslog's imfile reading the same file, on the same machine in the same run,
 * both pinned to the same single CPU. Each round runs lookout, then rsyslog pass-through (raw),
 * then rsyslog doing lookout's work (bulk); rsyslog's CPU is its own process's, read from /proc,
 * and the generator's CPU (writing the file, before the rounds) is printed apart.
 *
 * Like bench:ship it measures tsc's output, what bin/lookout runs (`--tsx`: the source through tsx).
 *
 *   npx tsx bench/tail.ts [--lines 2000000] [--rounds 5] [--cpu 1] [--tsx]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tuneHeapForEventStreams } from '../core/heap-tuning';
import { StateStore } from '../core/store/store';
import {
  ownCpuSeconds,
  peakRssMiB,
  printHeader,
  printSummaries,
  roundsFromArgs,
  runRounds,
} from './lib/report';
import { codeLine, rerunCompiled } from './lib/compiled';
import { generateJsonFileLog, marker } from './tail-gen';
import { runNodeTail } from './tail-node';
import { rsyslogVersion, runRsyslog } from './tail-rsyslog';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  tuneHeapForEventStreams(); // as the collector's process does (cli/main.ts)
  const lines = Number(arg('lines', '2000000'));
  const rounds = roundsFromArgs();
  const cpu = arg('cpu', String(Math.min(1, os.cpus().length - 1)));
  const lineBytes = 100;
  printHeader(`npm run bench:tail -- ${process.argv.slice(2).join(' ')}`.trim());
  console.log(codeLine(__filename, 'npm run bench:tail'));
  console.log(`rsyslog: ${rsyslogVersion()}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-tail-'));
  try {
    const file = path.join(dir, 'bench-json.log');
    const g0 = ownCpuSeconds();
    generateJsonFileLog(file, lines, lineBytes);
    console.log(
      `input: ${fmt(lines)} json-file lines of ${lineBytes} bytes (${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB); generator CPU ${(ownCpuSeconds() - g0).toFixed(2)} s (not counted)`,
    );
    // One core for all: this process (all its threads, the libuv pool included) and rsyslogd.
    execFileSync('taskset', ['-a', '-c', '-p', cpu, String(process.pid)], { stdio: 'ignore' });
    console.log(`pinned to cpu ${cpu}, lookout and rsyslogd alike`);

    const summaries = await runRounds(rounds, async (r) => {
      const store = StateStore.open(path.join(dir, `state-${r}.db`));
      const n = await runNodeTail(file, lines, store);
      store.close();
      if (n.lines !== lines) throw new Error(`lookout read ${n.lines} lines, expected ${lines}`);
      const raw = await runRsyslog('raw', file, marker(lines - 1), dir, cpu);
      const bulk = await runRsyslog('bulk', file, marker(lines - 1), dir, cpu);
      return {
        'lookout lines/s': rate(lines, n.wallMs),
        'lookout lines per CPU-second': rate(lines, n.cpuMs),
        'rsyslog raw lines/s': rate(lines, raw.wallMs),
        'rsyslog raw lines per CPU-second': rate(lines, raw.cpuMs),
        'rsyslog bulk lines/s': rate(lines, bulk.wallMs),
        'rsyslog bulk lines per CPU-second': rate(lines, bulk.cpuMs),
        // Per round, so a round where the machine was busier for one side shows itself.
        'ratio lookout/rsyslog raw': n.wallMs > 0 ? raw.wallMs / n.wallMs : 0,
        'ratio lookout/rsyslog bulk': n.wallMs > 0 ? bulk.wallMs / n.wallMs : 0,
        // On a shared machine the wall ratio moves with the neighbours; CPU per line much less.
        'CPU ratio lookout/rsyslog raw': n.cpuMs > 0 ? raw.cpuMs / n.cpuMs : 0,
      };
    });
    console.log('raw = imfile -> omfile, line as is; bulk = imfile -> mmjsonparse -> _bulk template');
    printSummaries(summaries);
    console.log(`peak RSS: lookout ${peakRssMiB().toFixed(0)} MiB (the generator's buffers included)`);
    console.log('goal: ratio lookout/rsyslog raw >= 2.0');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

rerunCompiled(__filename)
  .then((code) => (code === undefined ? main() : process.exit(code)))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
