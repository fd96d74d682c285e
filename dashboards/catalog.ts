/**
 * The dashboard catalog: uids, variable names and the series every panel reads. The builder
 * (dashboards/build.ts) draws the dashboards from it and alerter/links imports it to build
 * URLs, so a page and the dashboard it links to can never disagree about a name.
 * The Graphite path scheme lives here and nowhere else (seriesPath).
 */
import { METRICS, type MetricDef } from '../core/metrics-catalog';

/** How the collector's metrics reach Graphite. */
export interface GraphiteScheme {
  /** First path segment the collector writes (its graphite/statsd sink prefix). */
  prefix: string;
  /** `carbon`: `<prefix>.<host>.<container>.<metric>`; `statsd`: the same under `stats.gauges.`. */
  via: 'carbon' | 'statsd';
  /** Whether the dots inside a metric name stay path separators or become `_`. */
  metricDots: 'keep' | 'underscore';
  /** The container segment host-scope metrics (containers.running) are written under. */
  hostSegment: string;
}

export const DEFAULT_SCHEME: GraphiteScheme = {
  prefix: 'lookout',
  via: 'carbon',
  metricDots: 'keep',
  hostSegment: '_host',
};

export const DATASOURCE = { type: 'graphite', uid: 'lookout-graphite' } as const;

export const VARS = { host: 'host', container: 'container', service: 'service' } as const;

/** One Graphite path segment: anything but letters, digits, `_` and `-` becomes `_`; empty becomes `_`. */
export function sanitiseSegment(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

/** A segment as given: a real value is sanitised, a `$var` or glob is left for Grafana/Graphite. */
function segment(s: string): string {
  return /^\$\w+$/.test(s) || /[*{}[\]]/.test(s) ? s : sanitiseSegment(s);
}

/**
 * The Graphite path of one metric of one container (or a pattern, with `*` or `$var`), as
 * collector/sinks/names.ts writes it (test/notify/dashboards.test.ts holds the two together).
 * Through StatsD (legacyNamespace false) gauges land under `stats.gauges.`; counters are sent
 * as increments and read back as StatsD's per-second `.rate`.
 */
export function seriesPath(scheme: GraphiteScheme, host: string, container: string, metric: string): string {
  const name =
    scheme.metricDots === 'keep' ? metric.split('.').map(sanitiseSegment).join('.') : sanitiseSegment(metric);
  const base = `${scheme.prefix}.${segment(host)}.${segment(container)}.${name}`;
  if (scheme.via === 'carbon') return base;
  return metricDef(metric).type === 'counter' ? `stats.counters.${base}.rate` : `stats.gauges.${base}`;
}

export function metricDef(name: string): MetricDef {
  const def = METRICS.find((m) => m.name === name);
  if (!def) throw new Error(`metric ${name} is not in core/metrics-catalog.ts`);
  return def;
}

/** The Graphite target a panel draws: the raw path, wrapped per the metric's type. */
export function seriesTarget(
  scheme: GraphiteScheme,
  host: string,
  container: string,
  metric: string,
): string {
  const path = seriesPath(scheme, host, container, metric);
  const def = metricDef(metric);
  // Counters are totals since start; a rate is what a person reads.
  const drawn = def.type === 'counter' && scheme.via === 'carbon' ? `perSecond(${path})` : path;
  const labelNode = scheme.prefix.split('.').length + (scheme.via === 'statsd' ? 2 : 0) + 1;
  return container.includes('*') || host.includes('*')
    ? `aliasByNode(${drawn}, ${labelNode - 1}, ${labelNode})`
    : `alias(${drawn}, '${metric}')`;
}

export interface PanelDef {
  title: string;
  metric: string;
  /** Grafana unit id. */
  unit: string;
  /**
   * Which container segment the panel reads: this dashboard's $container, every container, the
   * host's own, or the host's mounts (`_fs*`) or interfaces (`_net_*`, core/metrics-catalog.ts).
   */
  scope: 'container' | 'all-containers' | 'host' | 'host-mounts' | 'host-ifaces';
}

export interface DashboardDef {
  uid: string;
  title: string;
  /** Variables, in order; each a Graphite query variable over the path's segments. */
  vars: Array<(typeof VARS)[keyof typeof VARS]>;
  panels: PanelDef[];
}

const unitOf: Record<MetricDef['unit'], string> = {
  percent: 'percent',
  bytes: 'bytes',
  count: 'short',
  ms: 'ms',
  days: 'd',
  bool: 'bool',
  code: 'none',
};
const panel = (metric: string, title: string, scope: PanelDef['scope'] = 'container'): PanelDef => {
  const def = metricDef(metric);
  const rate = def.type === 'counter';
  return { title, metric, scope, unit: rate ? (def.unit === 'bytes' ? 'Bps' : 'ops') : unitOf[def.unit] };
};

export const DASHBOARDS = {
  host: {
    uid: 'lookout-host',
    title: 'lookout / Host overview',
    vars: ['host'],
    panels: [
      panel('containers.running', 'Running containers', 'host'),
      panel('host.load_per_core', 'Load per core (1 min)', 'host'),
      panel('host.cpu.busy_percent', 'Host CPU busy', 'host'),
      panel('host.cpu.iowait_percent', 'Host CPU iowait', 'host'),
      panel('host.mem.available_percent', 'Memory available', 'host'),
      panel('host.psi.memory.full', 'Memory pressure (PSI full)', 'host'),
      panel('host.swap.in_per_s', 'Swap-in pages per second', 'host'),
      panel('host.fs.used_percent', 'File systems used', 'host-mounts'),
      panel('host.fs.inodes_used_percent', 'File systems, inodes used', 'host-mounts'),
      panel('host.net.rx_bytes', 'Host network in', 'host-ifaces'),
      panel('host.net.tx_bytes', 'Host network out', 'host-ifaces'),
      panel('engine.up', 'Docker engine answering', 'host'),
      panel('engine.ping_ms', 'Docker engine ping', 'host'),
      panel('cpu.percent', 'CPU per container (% of one core)', 'all-containers'),
      panel('mem.usage_bytes', 'Memory per container', 'all-containers'),
      panel('mem.percent', 'Memory, % of limit', 'all-containers'),
      panel('net.rx_bytes', 'Network in per container', 'all-containers'),
      panel('net.tx_bytes', 'Network out per container', 'all-containers'),
      panel('mem.oom_kills', 'OOM kills', 'all-containers'),
      panel('log.lines', 'Log lines per second', 'all-containers'),
    ],
  },
  container: {
    uid: 'lookout-container',
    title: 'lookout / Container overview',
    vars: ['host', 'container'],
    panels: [
      panel('cpu.percent', 'CPU (% of one core)'),
      panel('cpu.limit_percent', 'CPU (% of limit)'),
      panel('mem.usage_bytes', 'Memory in use'),
      panel('mem.limit_bytes', 'Memory limit'),
      panel('mem.percent', 'Memory, % of limit'),
      panel('mem.rss_bytes', 'RSS'),
      panel('mem.cache_bytes', 'Page cache'),
      panel('mem.oom_kills', 'OOM kills'),
      panel('pids.current', 'Processes and threads'),
      panel('net.rx_bytes', 'Network in'),
      panel('net.tx_bytes', 'Network out'),
      panel('net.rx_errors', 'Receive errors'),
      panel('net.tx_errors', 'Send errors'),
      panel('blkio.read_bytes', 'Disk read'),
      panel('blkio.write_bytes', 'Disk write'),
      panel('log.lines', 'Log lines per second'),
    ],
  },
  service: {
    uid: 'lookout-service',
    title: 'lookout / Service view',
    // A service's containers are matched by name (`<project>-<service>-<n>` under compose).
    vars: ['service'],
    panels: [
      panel('cpu.percent', 'CPU per container (% of one core)', 'all-containers'),
      panel('mem.usage_bytes', 'Memory per container', 'all-containers'),
      panel('net.rx_bytes', 'Network in', 'all-containers'),
      panel('net.tx_bytes', 'Network out', 'all-containers'),
      panel('log.lines', 'Log lines per second', 'all-containers'),
      panel('mem.oom_kills', 'OOM kills', 'all-containers'),
    ],
  },
} as const satisfies Record<string, DashboardDef>;

export type DashboardName = keyof typeof DASHBOARDS;

/** The host and container segments a panel's target reads on a dashboard. */
export function panelSegments(
  dash: DashboardDef,
  p: PanelDef,
  scheme: GraphiteScheme,
): { host: string; container: string } {
  const host = dash.vars.includes('host') ? `$${VARS.host}` : '*';
  if (p.scope === 'host') return { host, container: scheme.hostSegment };
  if (p.scope === 'host-mounts') return { host, container: '_fs*' };
  if (p.scope === 'host-ifaces') return { host, container: '_net_*' };
  if (p.scope === 'container') return { host, container: `$${VARS.container}` };
  return { host, container: dash.vars.includes('service') ? `*$${VARS.service}*` : '*' };
}

/** Which dashboard an alert lands on: the one the rule names, else by the labels it has. */
export function dashboardFor(uid: string | undefined, labels: Record<string, string>): DashboardDef {
  const all = Object.values(DASHBOARDS) as DashboardDef[];
  const named = uid ? all.find((d) => d.uid === uid) : undefined;
  if (named) return named;
  if (labels.container) return DASHBOARDS.container;
  if (labels.service) return DASHBOARDS.service;
  return DASHBOARDS.host;
}

/** Graphite events carry these tags; the dashboards' deploy annotation reads them. */
export const DEPLOY_EVENT_TAG = 'deploy';

/** The Kibana data view over the collector's log documents (data stream `logs-lookout-default`, or daily `lookout-logs-*`; ECS fields). */
export const KIBANA = {
  dataViewId: 'lookout-logs',
  indexPattern: 'logs-lookout-*,lookout-logs*',
  timeField: '@timestamp',
  containerField: 'container.name',
  hostField: 'host.name',
  serviceField: 'service.name',
} as const;
