/**
 * Tail benchmark: lines/s for tail + parse + enrich + serialise to an Elasticsearch _bulk body,
 * beside rsyslog's imfile reading the same file, on the same machine in the same run, both
 * pinned to the same single CPU. Rounds alternate lookout and rsyslog (the machine may be
 * shared) and the median of each is reported.
 *
 *   npx tsx bench/tail.ts [--lines 2000000] [--rounds 3] [--cpu 1]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore } from '../core/store/store';
import { generateJsonFileLog, marker } from './tail-gen';
import { runNodeTail } from './tail-node';
import { rsyslogVersion, runRsyslog, type RsyslogMode } from './tail-rsyslog';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const lines = Number(arg('lines', '2000000'));
  const rounds = Number(arg('rounds', '3'));
  const cpu = arg('cpu', String(Math.min(1, os.cpus().length - 1)));
  const lineBytes = 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-tail-'));
  const file = path.join(dir, 'bench-json.log');
  console.log(
    `machine: ${os.cpus().length} cores (nproc), ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.type()} ${os.release()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`command: npx tsx bench/tail.ts ${process.argv.slice(2).join(' ')}`.trim());
  console.log(`rsyslog: ${rsyslogVersion()}`);
  generateJsonFileLog(file, lines, lineBytes);
  console.log(
    `input: ${fmt(lines)} json-file lines of ${lineBytes} bytes (${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB) in ${file}`,
  );
  // One core for all: this process (all its threads, the libuv pool included) and rsyslogd.
  execFileSync('taskset', ['-a', '-c', '-p', cpu, String(process.pid)], { stdio: 'ignore' });
  console.log(`pinned to cpu ${cpu}; ${rounds} rounds, medians reported`);

  const node: number[] = [];
  const nodeCpu: number[] = [];
  const rs: Record<RsyslogMode, number[]> = { raw: [], bulk: [] };
  const rsCpu: Record<RsyslogMode, number[]> = { raw: [], bulk: [] };
  for (let r = 0; r < rounds; r++) {
    const store = StateStore.open(path.join(dir, `state-${r}.db`));
    const n = await runNodeTail(file, lines, store);
    store.close();
    if (n.lines !== lines) throw new Error(`lookout read ${n.lines} lines, expected ${lines}`);
    node.push(rate(lines, n.wallMs));
    nodeCpu.push(rate(lines, n.cpuMs));
    for (const mode of ['raw', 'bulk'] as const) {
      const x = await runRsyslog(mode, file, marker(lines - 1), dir, cpu);
      rs[mode].push(rate(lines, x.wallMs));
      rsCpu[mode].push(rate(lines, x.cpuMs));
    }
    console.log(
      `round ${r + 1}: lookout ${fmt(node[r]!)}/s, rsyslog raw ${fmt(rs.raw[r]!)}/s, rsyslog bulk ${fmt(rs.bulk[r]!)}/s`,
    );
  }
  const m = median(node);
  console.log(
    `lookout  tail+parse+enrich+_bulk body:             ${fmt(m)} lines/s (${fmt(median(nodeCpu))} per CPU-second)`,
  );
  for (const mode of ['raw', 'bulk'] as const) {
    const what =
      mode === 'raw' ? 'imfile -> omfile, line as is        ' : 'imfile -> mmjsonparse -> _bulk template';
    console.log(
      `rsyslog  ${what}: ${fmt(median(rs[mode]))} lines/s (${fmt(median(rsCpu[mode]))} per CPU-second)  ratio lookout/rsyslog ${(m / median(rs[mode])).toFixed(2)}x`,
    );
  }
  console.log('goal: lookout >= 2x rsyslog');
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
