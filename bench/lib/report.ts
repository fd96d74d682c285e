/**
 * What every benchmark prints, so a figure can be reproduced and compared: the machine, the
 * command, the load average before and after, N rounds with median, min and max, the CPU spent by
 * the thing measured apart from the CPU of its test partner (a receiver, a stand-in, a generator),
 * and peak RSS. Partners run as child processes; their CPU and peak RSS are read from /proc.
 */
import fs from 'node:fs';
import os from 'node:os';

/** Linux reports process times in clock ticks; USER_HZ is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export interface Summary {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, values };
}

export function machineLine(): string {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, ${gib} GiB, ${os.type()} ${os.release()}, node ${process.version}`;
}

export function loadAverageLine(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: fields count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}

/** Peak resident set size in MiB (VmHWM) of a process, this one by default. */
export function peakRssMiB(pid: number | 'self' = 'self'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** This process's CPU seconds, user + system, from Node (no /proc round trip). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface Figure {
  /** What the number is, e.g. "lines/s wall". */
  name: string;
  unit?: string;
  /** Digits after the point; whole numbers by default. */
  digits?: number;
}

/**
 * Runs `rounds` rounds of a measurement, each returning named figures, and prints one line per
 * round as it finishes (a long run shows progress) and then the summary.
 */
export async function runRounds(
  rounds: number,
  round: (index: number) => Promise<Record<string, number>>,
  log: (line: string) => void = console.log,
): Promise<Record<string, Summary>> {
  const collected: Record<string, number[]> = {};
  for (let i = 0; i < rounds; i++) {
    const figures = await round(i);
    log(`round ${i + 1}/${rounds}: ${formatFigures(figures)}`);
    for (const [name, value] of Object.entries(figures)) (collected[name] ??= []).push(value);
  }
  return Object.fromEntries(Object.entries(collected).map(([name, values]) => [name, summarize(values)]));
}

function formatNumber(x: number, digits = 0): string {
  return x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatFigures(figures: Record<string, number>): string {
  return Object.entries(figures)
    .map(([name, value]) => `${name} ${formatNumber(value, Number.isInteger(value) ? 0 : 2)}`)
    .join(', ');
}

export function formatSummary(name: string, s: Summary, digits = 0): string {
  return `${name}: median ${formatNumber(s.median, digits)} (min ${formatNumber(s.min, digits)}, max ${formatNumber(s.max, digits)}, ${s.values.length} rounds)`;
}

/** The header every bench prints first: what ran, where, and how busy the machine was. */
export function printHeader(command: string, log: (line: string) => void = console.log): void {
  log(`command: ${command}`);
  log(`machine: ${machineLine()}`);
  log(`load average before: ${loadAverageLine()}  (${new Date().toISOString()})`);
}

/** The footer: summaries and the load average after, so a noisy run shows itself. */
export function printSummaries(
  summaries: Record<string, Summary>,
  log: (line: string) => void = console.log,
): void {
  for (const [name, s] of Object.entries(summaries)) {
    const digits = s.values.every(Number.isInteger) && s.median >= 100 ? 0 : 2;
    log(formatSummary(name, s, digits));
  }
  log(`load average after: ${loadAverageLine()}`);
}

/** Rounds from `--rounds N` or BENCH_ROUNDS, 5 by default (the house rule for a README figure). */
export function roundsFromArgs(argv: string[] = process.argv, env = process.env): number {
  const i = argv.indexOf('--rounds');
  const raw = i >= 0 ? argv[i + 1] : env.BENCH_ROUNDS;
  const n = raw === undefined ? 5 : Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--rounds must be a positive whole number, got "${raw}"`);
  return n;
}
