import type { Snapshot } from './snapshot';

/** The fields of `GET /containers/{id}/stats?stream=false&one-shot=true` we read (v1 and v2 engines). */
export interface ApiStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; online_cpus?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number };
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  networks?: Record<
    string,
    {
      rx_bytes: number;
      rx_packets: number;
      rx_errors: number;
      rx_dropped: number;
      tx_bytes: number;
      tx_packets: number;
      tx_errors: number;
      tx_dropped: number;
    }
  >;
}

/**
 * A Snapshot from the Engine API's one-shot stats: the fallback where cgroup files are not
 * readable (remote engine, no host mount). `one-shot` skips the second sample dockerd
 * otherwise waits a second for; we compute CPU from our own successive reads instead.
 */
export function snapshotFromApi(s: ApiStats, fallbackAtNs: number): Snapshot {
  const mem = s.memory_stats ?? {};
  const st = mem.stats ?? {};
  const read = s.read && !s.read.startsWith('0001-') ? Date.parse(s.read) : NaN;
  const snap: Snapshot = {
    atNs: Number.isFinite(read) ? read * 1e6 : fallbackAtNs,
    cpuNs: s.cpu_stats?.cpu_usage?.total_usage ?? NaN,
    memUsage: mem.usage ?? NaN,
    inactiveFile: st.total_inactive_file ?? st.inactive_file ?? 0,
    memLimit: mem.limit && mem.limit < 2 ** 60 ? mem.limit : undefined,
    rss: st.total_rss ?? st.rss ?? st.anon,
    cache: st.total_cache ?? st.cache ?? st.file,
    oomKills: st.oom_kill,
    pids: s.pids_stats?.current,
  };
  const io = s.blkio_stats?.io_service_bytes_recursive;
  if (io) {
    snap.io = { read: 0, write: 0 };
    for (const e of io) {
      if (e.op.toLowerCase() === 'read') snap.io.read += e.value;
      else if (e.op.toLowerCase() === 'write') snap.io.write += e.value;
    }
  }
  if (s.networks) {
    const n = {
      rxBytes: 0,
      rxPackets: 0,
      rxErrors: 0,
      rxDropped: 0,
      txBytes: 0,
      txPackets: 0,
      txErrors: 0,
      txDropped: 0,
    };
    for (const i of Object.values(s.networks)) {
      n.rxBytes += i.rx_bytes;
      n.rxPackets += i.rx_packets;
      n.rxErrors += i.rx_errors;
      n.rxDropped += i.rx_dropped;
      n.txBytes += i.tx_bytes;
      n.txPackets += i.tx_packets;
      n.txErrors += i.tx_errors;
      n.txDropped += i.tx_dropped;
    }
    snap.net = n;
  }
  return snap;
}
