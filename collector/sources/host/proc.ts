/**
 * Pure parsers for the host's /proc files (proc(5)). Each takes the file's text and returns
 * numbers; reading and deltas live in read.ts and sampler.ts, so these are table-tested on
 * fixed strings.
 */

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
}

export function parseLoadAvg(text: string): LoadAvg {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (![a, b, c].every((n) => Number.isFinite(n)))
    throw new Error(`unexpected loadavg: ${text.slice(0, 60)}`);
  return { load1: a!, load5: b!, load15: c! };
}

/** Jiffies of the aggregate `cpu` line of /proc/stat, plus the number of `cpuN` lines. */
export interface CpuTimes {
  total: number;
  idle: number;
  iowait: number;
  steal: number;
  cores: number;
}

export function parseStat(text: string): CpuTimes {
  const lines = text.split('\n');
  const agg = lines.find((l) => l.startsWith('cpu '));
  if (!agg) throw new Error('no aggregate cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already
  // counted in user and nice, so the total stops at steal.
  const f = agg.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map((n) => n || 0);
  return {
    total: user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!,
    idle: idle!,
    iowait: iowait!,
    steal: steal!,
    cores: lines.filter((l) => /^cpu\d+\s/.test(l)).length,
  };
}

export interface CpuPercents {
  busy: number;
  iowait: number;
  steal: number;
}

/** Shares of all cores' time between two readings, in percent (0 to 100). */
export function cpuPercents(prev: CpuTimes, cur: CpuTimes): CpuPercents | undefined {
  const dt = cur.total - prev.total;
  if (dt <= 0) return undefined;
  const pct = (n: number) => Math.min(100, Math.max(0, (n / dt) * 100));
  return {
    busy: pct(dt - (cur.idle - prev.idle) - (cur.iowait - prev.iowait)),
    iowait: pct(cur.iowait - prev.iowait),
    steal: pct(cur.steal - prev.steal),
  };
}

/** /proc/meminfo in bytes, keyed by its field names (`MemAvailable`, `SwapFree`...). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]) * (line.includes('kB') ? 1024 : 1));
  }
  return out;
}

export interface Pressure {
  some: number;
  /** Absent for /proc/pressure/cpu on kernels before 5.13. */
  full?: number;
}

/** The avg10 shares (percent of wall time stalled) of one /proc/pressure/<resource> file. */
export function parsePressure(text: string): Pressure {
  const avg = (kind: string) => {
    const m = new RegExp(`^${kind}\\s.*?avg10=([\\d.]+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const some = avg('some');
  if (some === undefined) throw new Error(`unexpected pressure file: ${text.slice(0, 60)}`);
  const full = avg('full');
  return full === undefined ? { some } : { some, full };
}

/** The named counters of /proc/vmstat (`pswpin`, `pswpout`...). */
export function parseVmstat(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) out.set(k, Number(v));
  }
  return out;
}

export interface IfaceCounters {
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

/**
 * /proc/net/dev per interface. Loopback and the veth ends of containers are left out: the
 * containers' own traffic is already in their net.* metrics, and a busy host has hundreds.
 */
export function parseNetDev(text: string): Map<string, IfaceCounters> {
  const out = new Map<string, IfaceCounters>();
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const iface = m[1]!;
    if (iface === 'lo' || iface.startsWith('veth')) continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit the same.
    out.set(iface, { rxBytes: f[0]!, rxErrors: f[2]!, txBytes: f[8]!, txErrors: f[10]! });
  }
  return out;
}
