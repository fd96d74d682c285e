import type { MetricSample } from '../../../core/events';
import type { EngineHealth } from './engine';
import type { FsUsage } from './filesystems';
import { cpuPercents, type CpuTimes } from './proc';
import type { ProcReading } from './read';

/** The previous round, for the values that are rates (CPU shares, swap pages per second). */
export interface PrevRound {
  ts: number;
  cpu?: CpuTimes;
  vmstat?: Map<string, number>;
}

type Emit = (
  name: string,
  value: number,
  type?: MetricSample['type'],
  labels?: Record<string, string>,
) => void;

function emitter(host: string, ts: number, out: MetricSample[]): Emit {
  return (name, value, type = 'gauge', labels) => {
    if (!Number.isFinite(value)) return;
    out.push(
      labels
        ? { kind: 'metric', host, ts, name, value, type, labels }
        : { kind: 'metric', host, ts, name, value, type },
    );
  };
}

/** The samples of one round; `prev` is the round before (undefined at the first). */
export function procSamples(
  host: string,
  ts: number,
  r: ProcReading,
  prev: PrevRound | undefined,
): MetricSample[] {
  const out: MetricSample[] = [];
  const emit = emitter(host, ts, out);
  if (r.load) {
    emit('host.load1', r.load.load1);
    emit('host.load5', r.load.load5);
    emit('host.load15', r.load.load15);
    if (r.cpu && r.cpu.cores > 0) emit('host.load_per_core', r.load.load1 / r.cpu.cores);
  }
  const cpu = prev?.cpu && r.cpu ? cpuPercents(prev.cpu, r.cpu) : undefined;
  if (cpu) {
    emit('host.cpu.busy_percent', cpu.busy);
    emit('host.cpu.iowait_percent', cpu.iowait);
    emit('host.cpu.steal_percent', cpu.steal);
  }
  memSamples(emit, r.mem);
  swapRates(emit, r.vmstat, prev, ts);
  for (const [res, p] of Object.entries(r.pressure)) {
    emit(`host.psi.${res}.some`, p.some);
    // The system-wide cpu "full" line exists since 5.13 but is always zero: not worth a series.
    if (p.full !== undefined && res !== 'cpu') emit(`host.psi.${res}.full`, p.full);
  }
  for (const [iface, n] of r.net ?? []) {
    const labels = { iface };
    emit('host.net.rx_bytes', n.rxBytes, 'counter', labels);
    emit('host.net.tx_bytes', n.txBytes, 'counter', labels);
    emit('host.net.rx_errors', n.rxErrors, 'counter', labels);
    emit('host.net.tx_errors', n.txErrors, 'counter', labels);
  }
  return out;
}

function memSamples(emit: Emit, mem: Map<string, number> | undefined): void {
  if (!mem) return;
  const total = mem.get('MemTotal');
  const avail = mem.get('MemAvailable');
  if (total !== undefined) emit('host.mem.total_bytes', total);
  if (avail !== undefined) emit('host.mem.available_bytes', avail);
  if (total && avail !== undefined) emit('host.mem.available_percent', (avail / total) * 100);
  const swapTotal = mem.get('SwapTotal');
  const swapFree = mem.get('SwapFree');
  if (swapTotal !== undefined && swapFree !== undefined) emit('host.swap.used_bytes', swapTotal - swapFree);
}

function swapRates(
  emit: Emit,
  vm: Map<string, number> | undefined,
  prev: PrevRound | undefined,
  ts: number,
): void {
  const seconds = prev ? (ts - prev.ts) / 1000 : 0;
  if (!vm || !prev?.vmstat || seconds <= 0) return;
  for (const [key, name] of [
    ['pswpin', 'host.swap.in_per_s'],
    ['pswpout', 'host.swap.out_per_s'],
  ] as const) {
    const a = prev.vmstat.get(key);
    const b = vm.get(key);
    // A counter that went back (a reboot under a long-lived sidecar) gives no rate this round.
    if (a !== undefined && b !== undefined && b >= a) emit(name, (b - a) / seconds);
  }
}

export function fsSamples(host: string, ts: number, all: readonly FsUsage[]): MetricSample[] {
  const out: MetricSample[] = [];
  const emit = emitter(host, ts, out);
  for (const f of all) {
    const labels = { mount: f.mount };
    emit('host.fs.size_bytes', f.sizeBytes, 'gauge', labels);
    emit('host.fs.used_bytes', f.usedBytes, 'gauge', labels);
    emit('host.fs.avail_bytes', f.availBytes, 'gauge', labels);
    emit('host.fs.used_percent', f.usedPercent, 'gauge', labels);
    if (f.inodesUsedPercent !== undefined)
      emit('host.fs.inodes_used_percent', f.inodesUsedPercent, 'gauge', labels);
  }
  return out;
}

export function engineSamples(host: string, ts: number, e: EngineHealth): MetricSample[] {
  const out: MetricSample[] = [];
  const emit = emitter(host, ts, out);
  emit('engine.up', e.up ? 1 : 0);
  if (e.pingMs !== undefined) emit('engine.ping_ms', e.pingMs);
  return out;
}
