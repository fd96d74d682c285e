/**
 * Pure parsers for the kernel files the stats source reads. Each takes the file's text and
 * returns numbers; none touches the file system, so all are tested on fixture text.
 */

/** `key value` lines (memory.stat, cpu.stat, memory.events, memory.oom_control). */
export function parseKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** A file holding one number; `max` (v2 for "no limit") and anything else give undefined. */
export function parseNumber(text: string): number | undefined {
  const s = text.trim();
  return /^-?\d+$/.test(s) ? Number(s) : undefined;
}

/**
 * A v1 memory limit of "none" is the largest page-aligned int64 (9223372036854771712): any
 * value this large means unlimited.
 */
export function v1Limit(n: number | undefined): number | undefined {
  return n === undefined || n <= 0 || n >= 2 ** 60 ? undefined : n;
}

export interface IoBytes {
  read: number;
  write: number;
}

/** v1 `blkio.throttle.io_service_bytes_recursive`: `MAJ:MIN Read N` lines, summed over devices. */
export function parseBlkioV1(text: string): IoBytes {
  const out = { read: 0, write: 0 };
  for (const line of text.split('\n')) {
    const [dev, op, v] = line.trim().split(/\s+/);
    if (!dev || !v || !dev.includes(':')) continue;
    if (op === 'Read') out.read += Number(v);
    else if (op === 'Write') out.write += Number(v);
  }
  return out;
}

/** v2 `io.stat`: `MAJ:MIN rbytes=N wbytes=N ...` lines, summed over devices. */
export function parseIoStatV2(text: string): IoBytes {
  const out = { read: 0, write: 0 };
  for (const line of text.split('\n')) {
    for (const field of line.trim().split(/\s+/).slice(1)) {
      const [k, v] = field.split('=');
      if (k === 'rbytes') out.read += Number(v);
      else if (k === 'wbytes') out.write += Number(v);
    }
  }
  return out;
}

export interface NetCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export const zeroNet = (): NetCounters => ({
  rxBytes: 0,
  rxPackets: 0,
  rxErrors: 0,
  rxDropped: 0,
  txBytes: 0,
  txPackets: 0,
  txErrors: 0,
  txDropped: 0,
});

/**
 * `/proc/<pid>/net/dev`, summed over every interface but loopback (traffic a container sends
 * itself is not network traffic). Columns: 8 receive fields, then 8 transmit fields.
 */
export function parseNetDev(text: string): NetCounters {
  const out = zeroNet();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    if (iface === 'lo' || iface.includes('|')) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16 || f.some((n) => !Number.isFinite(n))) continue;
    out.rxBytes += f[0]!;
    out.rxPackets += f[1]!;
    out.rxErrors += f[2]!;
    out.rxDropped += f[3]!;
    out.txBytes += f[8]!;
    out.txPackets += f[9]!;
    out.txErrors += f[10]!;
    out.txDropped += f[11]!;
  }
  return out;
}

/** v2 `cpu.max` (`quota period` or `max period`) in cores; undefined when unlimited. */
export function parseCpuMax(text: string): number | undefined {
  const [q, p] = text.trim().split(/\s+/);
  if (!q || q === 'max' || !p) return undefined;
  return Number(q) / Number(p);
}

/** `MemTotal` from /proc/meminfo in bytes. */
export function parseMemTotal(text: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}
