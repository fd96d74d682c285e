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
];

export const METRIC_NAMES: ReadonlySet<string> = new Set(METRICS.map((m) => m.name));
