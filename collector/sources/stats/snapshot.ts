import fs from 'node:fs';
import path from 'node:path';
import type { CgroupMode } from '../docker/cgroup-path';
import {
  parseBlkioV1,
  parseCpuMax,
  parseIoStatV2,
  parseKeyed,
  parseNetDev,
  parseNumber,
  v1Limit,
  type IoBytes,
  type NetCounters,
} from './parse';

/** Cumulative counters and levels of one container at one instant, whatever they were read from. */
export interface Snapshot {
  /** Monotonic time of the read, ns: CPU percent is a delta over this. */
  atNs: number;
  cpuNs: number;
  /** Memory charged to the cgroup, page cache included. */
  memUsage: number;
  /** Page cache the kernel can drop first; docker stats subtracts it from usage. */
  inactiveFile: number;
  /** Undefined when unlimited. */
  memLimit?: number;
  rss?: number;
  cache?: number;
  oomKills?: number;
  pids?: number;
  io?: IoBytes;
  net?: NetCounters;
  /** The CPU quota in cores from the cgroup, when set. */
  cpuLimitCores?: number;
}

export interface CgroupTarget {
  hostRoot: string;
  mode: CgroupMode;
  /** Relative to the cgroup mount, e.g. `/docker/<id>`. */
  cgroupPath: string;
  /** Host pid of the main process, for /proc/<pid>/net/dev; 0 to skip the network. */
  pid: number;
}

/**
 * Synchronous on purpose: these are tiny kernel pseudo-files served from memory, and ten promise
 * round-trips through the libuv thread pool per container cost far more CPU than the reads
 * themselves (the bulk of the idle collector's profile).
 */
function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** Optional files (pids, blkio, net) may be missing on some kernels: their absence is not an error. */
function maybe<T>(file: string, parse: (text: string) => T): T | undefined {
  try {
    return parse(read(file));
  } catch {
    return undefined;
  }
}

function net(t: CgroupTarget): NetCounters | undefined {
  return t.pid > 0 ? maybe(path.join(t.hostRoot, 'proc', String(t.pid), 'net/dev'), parseNetDev) : undefined;
}

/** cgroup v1: one hierarchy per controller, the same relative path in each. */
function readV1(t: CgroupTarget, now: () => bigint): Snapshot {
  const dir = (ctl: string, file: string) => path.join(t.hostRoot, 'sys/fs/cgroup', ctl, t.cgroupPath, file);
  const atNs = Number(now());
  const cpu = read(dir('cpuacct', 'cpuacct.usage'));
  const usage = read(dir('memory', 'memory.usage_in_bytes'));
  const limit = maybe(dir('memory', 'memory.limit_in_bytes'), parseNumber);
  const stat = parseKeyed(read(dir('memory', 'memory.stat')));
  const oom = maybe(dir('memory', 'memory.oom_control'), parseKeyed);
  const pids = maybe(dir('pids', 'pids.current'), parseNumber);
  const io = maybe(dir('blkio', 'blkio.throttle.io_service_bytes_recursive'), parseBlkioV1);
  const netc = net(t);
  const quota = maybe(dir('cpu', 'cpu.cfs_quota_us'), parseNumber);
  const period = maybe(dir('cpu', 'cpu.cfs_period_us'), parseNumber);
  const snap: Snapshot = {
    atNs,
    cpuNs: parseNumber(cpu) ?? NaN,
    memUsage: parseNumber(usage) ?? NaN,
    inactiveFile: stat.total_inactive_file ?? stat.inactive_file ?? 0,
    memLimit: v1Limit(limit),
    rss: stat.total_rss ?? stat.rss,
    cache: stat.total_cache ?? stat.cache,
    oomKills: oom?.oom_kill,
    pids,
    io,
    net: netc,
  };
  if (quota && quota > 0 && period) snap.cpuLimitCores = quota / period;
  return snap;
}

/** cgroup v2: one directory with every controller's files. */
function readV2(t: CgroupTarget, now: () => bigint): Snapshot {
  const dir = (file: string) => path.join(t.hostRoot, 'sys/fs/cgroup', t.cgroupPath, file);
  const atNs = Number(now());
  const cpu = parseKeyed(read(dir('cpu.stat')));
  const usage = read(dir('memory.current'));
  const limit = maybe(dir('memory.max'), parseNumber);
  const stat = parseKeyed(read(dir('memory.stat')));
  const events = maybe(dir('memory.events'), parseKeyed);
  const pids = maybe(dir('pids.current'), parseNumber);
  const io = maybe(dir('io.stat'), parseIoStatV2);
  const netc = net(t);
  const cpuMax = maybe(dir('cpu.max'), parseCpuMax);
  const snap: Snapshot = {
    atNs,
    cpuNs: (cpu.usage_usec ?? NaN) * 1000,
    memUsage: parseNumber(usage) ?? NaN,
    inactiveFile: stat.inactive_file ?? 0,
    memLimit: limit,
    rss: stat.anon,
    cache: stat.file,
    oomKills: events?.oom_kill,
    pids,
    io,
    net: netc,
  };
  if (cpuMax !== undefined) snap.cpuLimitCores = cpuMax;
  return snap;
}

/**
 * Reads one container's cgroup files. Rejects when the CPU or memory files cannot be read.
 * The reads are synchronous (one small read each is cheaper than fs.promises' four calls); the
 * function stays async so a read error reaches callers as a rejection, like any other source's.
 */
// eslint-disable-next-line @typescript-eslint/require-await
export async function readCgroup(
  t: CgroupTarget,
  now: () => bigint = () => process.hrtime.bigint(),
): Promise<Snapshot> {
  const snap = t.mode === 'v1' ? readV1(t, now) : readV2(t, now);
  if (!Number.isFinite(snap.cpuNs) || !Number.isFinite(snap.memUsage))
    throw new Error(`unreadable cgroup files under ${t.cgroupPath}`);
  return snap;
}
