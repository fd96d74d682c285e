import type { ContainerMeta, MetricSample } from '../../core/events';
import { METRICS } from '../../core/metrics-catalog';
import { DEFAULT_SCHEME, seriesPath, type GraphiteScheme } from '../../dashboards/catalog';
import type { RenderedSeries } from '../graphite/render';

/** Where the collector's metrics went: straight to carbon, or through StatsD, under a prefix. */
export interface CollectorNaming {
  via: GraphiteScheme['via'];
  prefix: string;
}

export interface CollectorHistory {
  /** The Graphite target that reads one metric of every host and container. */
  target: string;
  toSamples(series: readonly RenderedSeries[]): MetricSample[];
}

/**
 * One collector metric's history as the sinks named it (collector/sinks/names.ts, plain naming):
 *
 *   carbon:           <prefix>.<host>.<container>.<metric>
 *   statsd gauge:     stats.gauges.<prefix>.<host>.<container>.<metric>
 *   statsd counter:   stats.counters.<prefix>.<host>.<container>.<metric>.count
 *
 * The path comes from the dashboards' catalog (the one place the scheme is written). A counter
 * is a running total to the rules (`reduce: rate` takes its increase); the StatsD sink sent it
 * as increments, which StatsD files per flush under `.count`: `integral()` adds them back up
 * into a total (from the start of the range read, which a rate does not mind).
 */
export function collectorHistory(metric: string, naming: CollectorNaming): CollectorHistory {
  const scheme: GraphiteScheme = { ...DEFAULT_SCHEME, ...naming };
  const counter = METRICS.find((m) => m.name === metric)?.type === 'counter';
  const path = seriesPath(scheme, '*', '*', metric);
  const summed = naming.via === 'statsd' && counter;
  // seriesPath names StatsD's per-second `.rate` (what a dashboard draws); the total needs `.count`.
  const target = summed ? `integral(${path.replace(/\.rate$/, '.count')})` : path;
  const suffix = summed ? 1 : 0;
  const type = counter ? 'counter' : 'gauge';
  const hostScope = METRICS.find((m) => m.name === metric)?.scope === 'host';
  return {
    target,
    toSamples: (series) => series.flatMap((s) => samplesOf(metric, s, { suffix, type, hostScope })),
  };
}

interface SeriesShape {
  /** Path nodes after the metric name (StatsD's `.count`). */
  suffix: number;
  type: MetricSample['type'];
  /** A host metric: its subject segment is the host itself, a mount or an interface. */
  hostScope: boolean;
}

/** One rendered series back into samples, its host and subject read from the path's end. */
function samplesOf(metric: string, s: RenderedSeries, shape: SeriesShape): MetricSample[] {
  const inner = /^integral\((.*)\)$/.exec(s.target)?.[1] ?? s.target;
  const nodes = inner.split('.');
  const at = nodes.length - shape.suffix - metric.split('.').length;
  const host = nodes[at - 2] ?? '';
  const name = nodes[at - 1] ?? '';
  const labels = shape.hostScope ? hostInstanceLabels(name) : undefined;
  const container: ContainerMeta | undefined =
    shape.hostScope || name === DEFAULT_SCHEME.hostSegment
      ? undefined
      : { id: name, name, image: '', labels: {}, service: name };
  const out: MetricSample[] = [];
  for (const [v, sec] of s.datapoints)
    if (v !== null)
      out.push({
        kind: 'metric',
        host,
        ts: sec * 1000,
        name: metric,
        value: v,
        type: shape.type,
        container,
        ...(labels ? { labels } : {}),
      });
  return out;
}

/**
 * The `mount` or `iface` label back from a host metric's subject segment, the inverse of
 * `hostInstanceSubject` (core/metrics-catalog.ts) after the sinks' sanitising: `_fs_` is `/`,
 * `_fs_var_lib_docker` is `/var/lib/docker`, `_net_eth0` is `eth0`. Sanitising made every `/`
 * an `_`, so a mount with `_` in its path comes back with `/` there: the path kept no difference.
 * `_host` (load, memory, containers.running) carries no label.
 */
export function hostInstanceLabels(segment: string): Record<string, string> | undefined {
  if (segment.startsWith('_net_')) return { iface: segment.slice('_net_'.length) };
  if (segment.startsWith('_fs')) return { mount: segment.slice('_fs'.length).replace(/_/g, '/') || '/' };
  return undefined;
}
