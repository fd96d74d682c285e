import fs from 'node:fs';
import path from 'node:path';
import { METRIC_NAMES } from '../../../core/metrics-catalog';
import { parseProcCgroup, resolveCgroupPath } from '../docker/cgroup-path';
import { computeSamples } from './compute';
import {
  parseBlkioV1,
  parseCpuMax,
  parseIoStatV2,
  parseKeyed,
  parseMemTotal,
  parseNetDev,
  parseNumber,
  v1Limit,
} from './parse';
import { readCgroup, type Snapshot } from './snapshot';
import { snapshotFromApi } from './api';

const FX = path.join(__dirname, 'fixtures');
const ID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const V2DIR = `v2/sys/fs/cgroup/system.slice/docker-${ID}.scope`;
const text = (p: string) => fs.readFileSync(path.join(FX, p), 'utf8');
const meta = { id: ID, name: 'web', image: 'img', labels: {}, service: 'web' };

describe('cgroup v2 parsing on fixtures', () => {
  it('parses cpu.stat, memory.stat, memory.events, io.stat, cpu.max, memory.max', () => {
    expect(parseKeyed(text(`${V2DIR}/cpu.stat`)).usage_usec).toBe(4_520_000);
    const mem = parseKeyed(text(`${V2DIR}/memory.stat`));
    expect([mem.anon, mem.file, mem.inactive_file]).toEqual([2_097_152, 8_388_608, 6_291_456]);
    expect(parseKeyed(text(`${V2DIR}/memory.events`)).oom_kill).toBe(1);
    expect(parseIoStatV2(text(`${V2DIR}/io.stat`))).toEqual({ read: 1_050_624, write: 12_288 });
    expect(parseCpuMax(text(`${V2DIR}/cpu.max`))).toBe(0.5);
    expect(parseCpuMax('max 100000')).toBeUndefined();
    expect(parseNumber(text(`${V2DIR}/memory.max`))).toBeUndefined();
  });

  it('finds the cgroup from /proc/<pid>/cgroup and reads a full snapshot', async () => {
    const root = path.join(FX, 'v2');
    expect(parseProcCgroup(text('v2/proc/777/cgroup'), 'v2')).toBe(`/system.slice/docker-${ID}.scope`);
    const cg = resolveCgroupPath(root, ID, 777)!;
    expect(cg).toBe(`/system.slice/docker-${ID}.scope`);
    // Without a visible pid the systemd-driver location is found by looking.
    expect(resolveCgroupPath(root, ID, 0)).toBe(cg);
    const snap = await readCgroup({ hostRoot: root, mode: 'v2', cgroupPath: cg, pid: 777 }, () => 5n);
    expect(snap).toEqual({
      atNs: 5,
      cpuNs: 4_520_000_000,
      memUsage: 10_485_760,
      inactiveFile: 6_291_456,
      memLimit: undefined,
      rss: 2_097_152,
      cache: 8_388_608,
      oomKills: 1,
      pids: 3,
      io: { read: 1_050_624, write: 12_288 },
      net: {
        rxBytes: 1_500_023,
        rxPackets: 1201,
        rxErrors: 2,
        rxDropped: 3,
        txBytes: 420_011,
        txPackets: 998,
        txErrors: 1,
        txDropped: 4,
      },
      cpuLimitCores: 0.5,
    });
  });
});

describe('cgroup v1 parsing on fixtures', () => {
  it('parses the files of a real v1 container', async () => {
    const root = path.join(FX, 'v1');
    expect(parseProcCgroup(text('v1/proc/4242/cgroup'), 'v1')).toBe(`/docker/${ID}`);
    expect(
      v1Limit(parseNumber(text(`v1/sys/fs/cgroup/memory/docker/${ID}/memory.limit_in_bytes`))),
    ).toBeUndefined();
    expect(
      parseBlkioV1(text(`v1/sys/fs/cgroup/blkio/docker/${ID}/blkio.throttle.io_service_bytes_recursive`)),
    ).toEqual({ read: 1_056_768, write: 24_576 });
    const snap = await readCgroup(
      { hostRoot: root, mode: 'v1', cgroupPath: resolveCgroupPath(root, ID, 4242)!, pid: 4242 },
      () => 7n,
    );
    expect(snap).toMatchObject({
      atNs: 7,
      cpuNs: 60_017_994,
      memUsage: 9_068_544,
      inactiveFile: 8_388_608,
      rss: 57_344,
      cache: 8_388_608,
      oomKills: 0,
      pids: 1,
    });
    expect(snap.cpuLimitCores).toBeUndefined();
    expect(parseMemTotal(text('v1/proc/meminfo'))).toBe(24_684_084 * 1024);
  });

  it('leaves loopback out of network counters', () => {
    expect(parseNetDev(text('v1/proc/4242/net/dev'))).toMatchObject({ rxBytes: 1_500_023, txBytes: 420_011 });
  });

  it('skips paths seen from another cgroup namespace', () => {
    expect(parseProcCgroup('0::/../../system.slice/docker-x.scope\n', 'v2')).toBeUndefined();
  });
});

describe('computeSamples', () => {
  const base: Snapshot = {
    atNs: 0,
    cpuNs: 0,
    memUsage: 10_000_000,
    inactiveFile: 4_000_000,
    memLimit: 20_000_000,
    rss: 5,
    cache: 6,
    oomKills: 1,
    pids: 2,
    io: { read: 3, write: 4 },
  };
  const ctx = { host: 'h', ts: 1000, container: meta, hostCpus: 2, hostMemBytes: 1e9 };
  const value = (s: ReturnType<typeof computeSamples>, n: string) => s.find((x) => x.name === n)?.value;

  it.each([
    ['one core busy, unlimited: 100% of a core, 50% of two', { cpuNs: 1e9 }, {}, 100, 50],
    ['half a core', { cpuNs: 0.5e9 }, {}, 50, 25],
    ['one core busy, limited to 0.5 cores by inspect', { cpuNs: 1e9 }, { cpuLimitCores: 0.5 }, 100, 200],
    ['two cores busy', { cpuNs: 2e9 }, {}, 200, 100],
  ])('%s', (_w, cur, extra, pct, limitPct) => {
    const s = computeSamples(base, { ...base, atNs: 1e9, ...cur }, { ...ctx, ...extra });
    expect(value(s, 'cpu.percent')).toBe(pct);
    expect(value(s, 'cpu.limit_percent')).toBe(limitPct);
  });

  it('yields no CPU on the first snapshot nor after a counter reset', () => {
    expect(value(computeSamples(undefined, base, ctx), 'cpu.percent')).toBeUndefined();
    expect(
      value(computeSamples({ ...base, cpuNs: 5e9 }, { ...base, atNs: 1e9, cpuNs: 1e9 }, ctx), 'cpu.percent'),
    ).toBeUndefined();
  });

  it('subtracts inactive file cache from memory like docker stats, caps the limit at host memory', () => {
    const s = computeSamples(undefined, base, ctx);
    expect(value(s, 'mem.usage_bytes')).toBe(6_000_000);
    expect(value(s, 'mem.limit_bytes')).toBe(20_000_000);
    expect(value(s, 'mem.percent')).toBe(30);
    const unlimited = computeSamples(undefined, { ...base, memLimit: undefined }, ctx);
    expect(value(unlimited, 'mem.limit_bytes')).toBe(1e9);
  });

  it('emits only catalogued names with the catalogue type, and skips net for host networking', () => {
    const full = computeSamples(
      base,
      { ...base, atNs: 1e9, net: parseNetDev(text('v1/proc/4242/net/dev')) },
      ctx,
    );
    for (const s of full) expect(METRIC_NAMES.has(s.name)).toBe(true);
    expect(full.find((s) => s.name === 'net.rx_bytes')).toMatchObject({
      value: 1_500_023,
      type: 'counter',
      container: meta,
      host: 'h',
      ts: 1000,
    });
    expect(full.find((s) => s.name === 'mem.oom_kills')?.type).toBe('counter');
    const host = computeSamples(
      base,
      { ...base, atNs: 1e9, net: parseNetDev(text('v1/proc/4242/net/dev')) },
      { ...ctx, skipNet: true },
    );
    expect(host.some((s) => s.name.startsWith('net.'))).toBe(false);
  });
});

describe('Engine API stats fallback mapping', () => {
  it('maps a one-shot stats answer', () => {
    const snap = snapshotFromApi(
      {
        read: '2026-01-01T00:00:01.5Z',
        cpu_stats: { cpu_usage: { total_usage: 123 } },
        memory_stats: {
          usage: 1000,
          limit: 4000,
          stats: { total_inactive_file: 100, total_rss: 700, total_cache: 200 },
        },
        pids_stats: { current: 4 },
        blkio_stats: {
          io_service_bytes_recursive: [
            { op: 'Read', value: 10 },
            { op: 'Write', value: 20 },
            { op: 'read', value: 1 },
          ],
        },
        networks: {
          eth0: {
            rx_bytes: 1,
            rx_packets: 2,
            rx_errors: 3,
            rx_dropped: 4,
            tx_bytes: 5,
            tx_packets: 6,
            tx_errors: 7,
            tx_dropped: 8,
          },
        },
      },
      0,
    );
    expect(snap).toMatchObject({
      atNs: Date.parse('2026-01-01T00:00:01.5Z') * 1e6,
      cpuNs: 123,
      memUsage: 1000,
      inactiveFile: 100,
      memLimit: 4000,
      rss: 700,
      cache: 200,
      pids: 4,
      io: { read: 11, write: 20 },
    });
    expect(snap.net).toEqual({
      rxBytes: 1,
      rxPackets: 2,
      rxErrors: 3,
      rxDropped: 4,
      txBytes: 5,
      txPackets: 6,
      txErrors: 7,
      txDropped: 8,
    });
  });
});
