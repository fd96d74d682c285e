/**
 * Every metric the collector emits: the one list that `lookout check` validates rule metric
 * names against and that the dashboards draw. Names are dotted; Graphite paths are
 * `<prefix>.<host>.<container>.<name>`.
 */
export interface MetricDef {
  name: string;
  type: 'gauge' | 'counter';
  unit: 'percent' | 'bytes' | 'count' | 'ms' | 'days' | 'bool' | 'code';
  help: string;
  /** What the metric is about: a container's resources, or a probed endpoint. */
  scope: 'container' | 'probe' | 'host';
}

const c = (
  name: string,
  type: MetricDef['type'],
  unit: MetricDef['unit'],
  help: string,
  scope: MetricDef['scope'] = 'container',
): MetricDef => ({
  name,
  type,
  unit,
  help,
  scope,
});

const h = (name: string, type: MetricDef['type'], unit: MetricDef['unit'], help: string): MetricDef =>
  c(name, type, unit, help, 'host');

/**
 * The Docker host itself (collector/sources/host/, issue 13), read from host_root's /proc and
 * statfs. File system metrics carry a `mount` label, network ones an `iface` label.
 */
const HOST_METRICS: readonly MetricDef[] = [
  h('host.load1', 'gauge', 'count', 'load average over 1 minute'),
  h('host.load5', 'gauge', 'count', 'load average over 5 minutes'),
  h('host.load15', 'gauge', 'count', 'load average over 15 minutes'),
  h('host.load_per_core', 'gauge', 'count', '1-minute load average divided by the number of cores'),
  h('host.cpu.busy_percent', 'gauge', 'percent', 'CPU busy (not idle, not iowait), percent of all cores'),
  h('host.cpu.iowait_percent', 'gauge', 'percent', 'CPU idle waiting for I/O, percent of all cores'),
  h('host.cpu.steal_percent', 'gauge', 'percent', 'CPU taken by the hypervisor, percent of all cores'),
  h('host.mem.total_bytes', 'gauge', 'bytes', 'memory of the host (MemTotal)'),
  h('host.mem.available_bytes', 'gauge', 'bytes', 'memory available without swapping (MemAvailable)'),
  h('host.mem.available_percent', 'gauge', 'percent', 'MemAvailable, percent of MemTotal'),
  h('host.swap.used_bytes', 'gauge', 'bytes', 'swap in use (SwapTotal - SwapFree)'),
  h('host.swap.in_per_s', 'gauge', 'count', 'pages swapped in per second'),
  h('host.swap.out_per_s', 'gauge', 'count', 'pages swapped out per second'),
  h('host.psi.cpu.some', 'gauge', 'percent', 'share of time some task waited for CPU (PSI avg10)'),
  h('host.psi.memory.some', 'gauge', 'percent', 'share of time some task stalled on memory (PSI avg10)'),
  h('host.psi.memory.full', 'gauge', 'percent', 'share of time every task stalled on memory (PSI avg10)'),
  h('host.psi.io.some', 'gauge', 'percent', 'share of time some task stalled on I/O (PSI avg10)'),
  h('host.psi.io.full', 'gauge', 'percent', 'share of time every task stalled on I/O (PSI avg10)'),
  h('host.fs.size_bytes', 'gauge', 'bytes', 'size of the file system holding the mount'),
  h('host.fs.used_bytes', 'gauge', 'bytes', 'bytes used on the file system'),
  h('host.fs.avail_bytes', 'gauge', 'bytes', 'bytes available to unprivileged users'),
  h('host.fs.used_percent', 'gauge', 'percent', 'used over used + available, as df prints it'),
  h('host.fs.inodes_used_percent', 'gauge', 'percent', 'inodes used, percent of the inode table'),
  h('host.net.rx_bytes', 'counter', 'bytes', 'bytes received by a host interface (not lo, not veth)'),
  h('host.net.tx_bytes', 'counter', 'bytes', 'bytes sent by a host interface'),
  h('host.net.rx_errors', 'counter', 'count', 'receive errors of a host interface'),
  h('host.net.tx_errors', 'counter', 'count', 'send errors of a host interface'),
  h('engine.up', 'gauge', 'bool', '1 when the Docker engine answered /_ping, else 0'),
  h('engine.ping_ms', 'gauge', 'ms', 'time the Docker engine took to answer /_ping'),
];

/**
 * The Graphite subject segment of a host sample that is about one instance (a mount, an
 * interface): `_fs_var_lib_docker`, `_net_eth0`, so each gets its own path. The sinks and the
 * alerter's links both call this, so a link always points at the series the sink wrote.
 */
export function hostInstanceSubject(
  labels: Readonly<Record<string, string>> | undefined,
): string | undefined {
  if (labels?.mount !== undefined) return `_fs${labels.mount === '/' ? '_' : labels.mount}`;
  if (labels?.iface !== undefined) return `_net_${labels.iface}`;
  return undefined;
}

export const METRICS: readonly MetricDef[] = [
  c(
    'cpu.percent',
    'gauge',
    'percent',
    'CPU used, percent of one core (200 = two cores busy), as docker stats shows',
  ),
  c(
    'cpu.limit_percent',
    'gauge',
    'percent',
    'CPU used, percent of the container CPU limit (of all host cores when unlimited)',
  ),
  c('mem.usage_bytes', 'gauge', 'bytes', 'memory in use, page cache excluded (as docker stats)'),
  c('mem.limit_bytes', 'gauge', 'bytes', 'memory limit (host memory when unlimited)'),
  c('mem.percent', 'gauge', 'percent', 'memory in use, percent of the limit'),
  c('mem.rss_bytes', 'gauge', 'bytes', 'anonymous resident memory'),
  c('mem.cache_bytes', 'gauge', 'bytes', 'page cache charged to the container'),
  c('mem.oom_kills', 'counter', 'count', 'OOM kills inside the container since it started'),
  c('pids.current', 'gauge', 'count', 'processes and threads'),
  c('blkio.read_bytes', 'counter', 'bytes', 'bytes read from block devices'),
  c('blkio.write_bytes', 'counter', 'bytes', 'bytes written to block devices'),
  c('net.rx_bytes', 'counter', 'bytes', 'bytes received, all interfaces but lo'),
  c('net.tx_bytes', 'counter', 'bytes', 'bytes sent'),
  c('net.rx_packets', 'counter', 'count', 'packets received'),
  c('net.tx_packets', 'counter', 'count', 'packets sent'),
  c('net.rx_errors', 'counter', 'count', 'receive errors'),
  c('net.tx_errors', 'counter', 'count', 'send errors'),
  c('net.rx_dropped', 'counter', 'count', 'received packets dropped'),
  c('net.tx_dropped', 'counter', 'count', 'sent packets dropped'),
  c('log.lines', 'counter', 'count', 'log lines read from the container'),
  c('probe.up', 'gauge', 'bool', '1 when the probed endpoint answered as expected, else 0', 'probe'),
  c('probe.latency_ms', 'gauge', 'ms', 'time to the answer (HTTP) or to connect (TCP)', 'probe'),
  c('probe.status_code', 'gauge', 'code', 'HTTP status code of the last probe', 'probe'),
  c('probe.tls_days_left', 'gauge', 'days', 'days until the endpoint TLS certificate expires', 'probe'),
  c('containers.running', 'gauge', 'count', 'running containers on the host', 'host'),
  ...HOST_METRICS,
];

export const METRIC_NAMES: ReadonlySet<string> = new Set(METRICS.map((m) => m.name));
