/**
 * The fleet path through the Kafka bus, each side as its own figure: a collector publishing into
 * the bus (events/s until Kafka acknowledged the last one) and one alerter replica consuming out
 * of it as a group member (events/s from assignment to the last event handled). Each side runs
 * in its own process (bench/kafka/side.ts), so lookout's CPU and peak RSS per side are its own;
 * the broker is the STAND-IN (test/support/kafka-standin, a test double in a child process),
 * whose CPU over each side's window is reported apart. Figures are of the bus and kafkajs
 * against the stand-in, not of a real Kafka.
 *
 *   npm run bench:kafka
 *   npm run bench:kafka -- --events 200000 --rounds 5 --compression none --profile /tmp/prof
 *   npm run bench:kafka -- --via bus --chunk 500     (bus.publish calls, not the sink)
 *
 * `--profile DIR` runs every process with `node --cpu-prof` and leaves the profiles in
 * DIR/{publish,consume,standin}.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  cpuSecondsOf,
  peakRssMiB,
  printHeader,
  printSummaries,
  roundsFromArgs,
  runRounds,
} from './lib/report';
import { makeEvent } from './kafka/events';
import type { SideResult } from './kafka/side';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string' },
    compression: { type: 'string', default: 'gzip' },
    partitions: { type: 'string', default: '6' },
    chunk: { type: 'string', default: '5000' },
    via: { type: 'string', default: 'sink' },
    profile: { type: 'string' },
  },
});
const total = Number(values.events);

function nodeArgs(role: string): string[] {
  const prof = values.profile ? ['--cpu-prof', '--cpu-prof-dir', path.join(values.profile, role)] : [];
  return ['--import', 'tsx', ...prof];
}

async function startStandin(): Promise<{ proc: ChildProcess; broker: string }> {
  const cli = path.join(__dirname, '../test/support/kafka-standin/cli.ts');
  const proc = spawn(
    process.execPath,
    [...nodeArgs('standin'), cli, '--port', '0', '--partitions', values.partitions],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const broker = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      const m = /listening on (\S+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  return { proc, broker };
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

interface SideFigures extends SideResult {
  standinCpuSeconds: number;
}

/** Runs one side in its own process; the stand-in's CPU is read when the side's window opens and closes. */
async function runSide(
  side: 'publish' | 'consume',
  broker: string,
  standinPid: number,
): Promise<SideFigures> {
  const args = ['--side', side, '--broker', broker, '--prefix', 'bench.', '--events', String(total)];
  args.push('--chunk', values.chunk, '--via', values.via, '--partitions', values.partitions);
  args.push('--compression', values.compression);
  const child = fork(path.join(__dirname, 'kafka/side.ts'), args, { execArgv: nodeArgs(side) });
  let standin0 = 0;
  const result = await new Promise<SideFigures>((resolve, reject) => {
    child.on('message', (msg: { type: 'started' } | SideResult) => {
      if (msg.type === 'started') standin0 = cpuSecondsOf(standinPid);
      else resolve({ ...msg, standinCpuSeconds: cpuSecondsOf(standinPid) - standin0 });
    });
    child.once('exit', (code) => reject(new Error(`the ${side} side exited with ${code} before its result`)));
  });
  await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
  return result;
}

async function round(): Promise<Record<string, number>> {
  const { proc, broker } = await startStandin();
  try {
    const pub = await runSide('publish', broker, proc.pid!);
    const con = await runSide('consume', broker, proc.pid!);
    if (con.events < total) throw new Error(`consumed ${con.events} of ${total} events`);
    const us = (cpu: number) => (cpu * 1e6) / total;
    return {
      'publish events/s': Math.round(total / pub.seconds),
      'publish lookout CPU µs/event': us(pub.cpuSeconds),
      'publish stand-in CPU µs/event': us(pub.standinCpuSeconds),
      'publish peak RSS MiB': Math.round(pub.peakRssMiB),
      'consume events/s': Math.round(total / con.seconds),
      'consume lookout CPU µs/event': us(con.cpuSeconds),
      'consume stand-in CPU µs/event': us(con.standinCpuSeconds),
      'consume peak RSS MiB': Math.round(con.peakRssMiB),
      'stand-in peak RSS MiB': Math.round(peakRssMiB(proc.pid)),
    };
  } finally {
    await stopProcess(proc);
  }
}

async function main(): Promise<void> {
  const rounds = roundsFromArgs();
  const args = process.argv.slice(2).join(' ');
  printHeader(args ? `npm run bench:kafka -- ${args}` : 'npm run bench:kafka');
  const sample = Array.from({ length: 1000 }, (_, i) => JSON.stringify(makeEvent(i)));
  const raw = sample.reduce((n, s) => n + s.length, 0) / sample.length;
  const gz = gzipSync(sample.join('')).length / sample.length;
  const publisher =
    values.via === 'sink'
      ? `the collector's Kafka sink, one delivery batch of ${values.chunk} in flight`
      : `bus.publish, ${values.chunk} events per call and topic, acks not awaited`;
  console.log(
    `workload: ${total} events (80% logs, 20% metrics, 40 services), ${raw.toFixed(0)} B as one JSON object ` +
      `(${gz.toFixed(0)} B gzipped in a batch of 1000); compression ${values.compression}, ${values.partitions} partitions; ` +
      `1 collector publishing through ${publisher}, then 1 alerter replica consuming`,
  );
  printSummaries(await runRounds(rounds, round));
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
