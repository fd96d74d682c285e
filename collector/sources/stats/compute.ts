import type { ContainerMeta, MetricSample } from '../../../core/events';
import type { Snapshot } from './snapshot';

export interface ComputeContext {
  host: string;
  ts: number;
  container: ContainerMeta;
  /** Cores the host has: the denominator of cpu.limit_percent when the container is unlimited. */
  hostCpus: number;
  /** Host memory: the limit docker stats shows for an unlimited container. */
  hostMemBytes?: number;
  /** CPU limit from inspect, which wins over the cgroup quota (both agree when set by Docker). */
  cpuLimitCores?: number;
  /** Skip network counters: with `--network host` /proc/<pid>/net/dev is the host's. */
  skipNet?: boolean;
}

/**
 * Metric samples from two snapshots of one container. Levels come from `cur`; CPU percent
 * needs `prev` (usage is a counter), so the first snapshot of a container yields no CPU.
 * Names are those of core/metrics-catalog.ts.
 */
export function computeSamples(
  prev: Snapshot | undefined,
  cur: Snapshot,
  ctx: ComputeContext,
): MetricSample[] {
  const out: MetricSample[] = [];
  const add = (name: string, value: number | undefined, type: 'gauge' | 'counter' = 'gauge') => {
    if (value !== undefined && Number.isFinite(value))
      out.push({ kind: 'metric', host: ctx.host, ts: ctx.ts, name, value, type, container: ctx.container });
  };
  const round = (n: number) => Math.round(n * 100) / 100;

  if (prev && cur.atNs > prev.atNs && cur.cpuNs >= prev.cpuNs) {
    // Percent of one core: CPU nanoseconds used per wall nanosecond, as docker stats shows it.
    const pct = ((cur.cpuNs - prev.cpuNs) / (cur.atNs - prev.atNs)) * 100;
    const cores = ctx.cpuLimitCores ?? cur.cpuLimitCores ?? ctx.hostCpus;
    add('cpu.percent', round(pct));
    add('cpu.limit_percent', round(pct / Math.max(cores, 0.01)));
  }

  // docker stats leaves inactive page cache out: the kernel drops it before it OOM-kills.
  const usage = cur.inactiveFile < cur.memUsage ? cur.memUsage - cur.inactiveFile : cur.memUsage;
  const limit =
    cur.memLimit !== undefined && (ctx.hostMemBytes === undefined || cur.memLimit < ctx.hostMemBytes)
      ? cur.memLimit
      : ctx.hostMemBytes;
  add('mem.usage_bytes', usage);
  add('mem.limit_bytes', limit);
  if (limit) add('mem.percent', round((usage / limit) * 100));
  add('mem.rss_bytes', cur.rss);
  add('mem.cache_bytes', cur.cache);
  add('mem.oom_kills', cur.oomKills, 'counter');
  add('pids.current', cur.pids);
  add('blkio.read_bytes', cur.io?.read, 'counter');
  add('blkio.write_bytes', cur.io?.write, 'counter');
  const n = ctx.skipNet ? undefined : cur.net;
  if (n) {
    add('net.rx_bytes', n.rxBytes, 'counter');
    add('net.tx_bytes', n.txBytes, 'counter');
    add('net.rx_packets', n.rxPackets, 'counter');
    add('net.tx_packets', n.txPackets, 'counter');
    add('net.rx_errors', n.rxErrors, 'counter');
    add('net.tx_errors', n.txErrors, 'counter');
    add('net.rx_dropped', n.rxDropped, 'counter');
    add('net.tx_dropped', n.txDropped, 'counter');
  }
  return out;
}
