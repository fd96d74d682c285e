/**
 * Tail benchmark: lines/s for tail + parse + enrich + serialise to an Elasticsearch _bulk body,
 * beside rsyslog's imfile reading the same file, on the same machine in the same run.
 *
 *   npx tsx bench/tail.ts [--lines 2000000] [--cpu 1] [--keep]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore } from '../core/store/store';
import { generateJsonFileLog } from './tail-gen';
import { runNodeTail } from './tail-node';
import { runRsyslog } from './tail-rsyslog';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

async function main(): Promise<void> {
  const lines = Number(arg('lines', '2000000'));
  const cpu = arg('cpu', String(Math.min(1, os.cpus().length - 1)));
  const lineBytes = 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-tail-'));
  const file = path.join(dir, 'bench-json.log');
  console.log(`machine: ${os.cpus().length} cores (nproc), ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.type()} ${os.release()}`);
  console.log(`command: npx tsx bench/tail.ts ${process.argv.slice(2).join(' ')}`.trim());
  console.log(`generating ${lines} json-file lines of ${lineBytes} bytes in ${file} ...`);
  generateJsonFileLog(file, lines, lineBytes);
  // One core for both: pin this process (all its threads) and rsyslogd to the same CPU.
  execFileSync('taskset', ['-a', '-c', '-p', cpu, String(process.pid)], { stdio: 'ignore' });
  console.log(`pinned to cpu ${cpu}`);

  const store = StateStore.open(path.join(dir, 'state.db'));
  const node = await runNodeTail(file, lines, store);
  store.close();
  const rs = await runRsyslog(file, lines, lineBytes, dir, cpu);

  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
  const nodeRate = rate(node.lines, node.wallMs);
  const rsRate = rate(rs.lines, rs.wallMs);
  console.log(`lookout tail+parse+enrich+_bulk: ${node.lines} lines in ${(node.wallMs / 1000).toFixed(2)} s wall, ${(node.cpuMs / 1000).toFixed(2)} s CPU = ${nodeRate} lines/s (${rate(node.lines, node.cpuMs)} per CPU-second); _bulk body ${(node.bulkBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log(`rsyslog imfile -> omfile (${rs.version}): ${rs.lines} lines in ${(rs.wallMs / 1000).toFixed(2)} s wall, ${(rs.cpuMs / 1000).toFixed(2)} s CPU = ${rsRate} lines/s (${rate(rs.lines, rs.cpuMs)} per CPU-second)`);
  console.log(`ratio lookout/rsyslog: ${(nodeRate / rsRate).toFixed(2)}x (goal >= 2x)`);
  if (process.argv.includes('--keep')) console.log(`kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
