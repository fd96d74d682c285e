import type { ContainerMeta, MetricSample } from '../../core/events';
import type { RenderedSeries } from '../graphite/render';
import { seriesSamples } from '../graphite/render';
import type { RuleSpec } from '../rules/schema';

/** Where a rule's history is in Graphite, and how its series become the samples the rule reads. */
export interface HistorySource {
  target: string;
  /** How far before `from` to read, so the first windows are full. */
  leadMs: number;
  toSamples(series: readonly RenderedSeries[]): MetricSample[];
}

/**
 * A Graphite-target rule reads its own target; a threshold or spike rule on a collector metric
 * reads what the carbon sink wrote (`<prefix>.<host>.<container>.<metric>`, the plain naming of
 * collector/sinks/names.ts). Other kinds read log lines, Docker events or heartbeats, which are
 * not in Graphite: the answer is why.
 */
export function historySource(spec: RuleSpec, prefix: string): HistorySource | string {
  switch (spec.kind) {
    case 'graphite':
      return {
        target: spec.target,
        leadMs: spec.window,
        toSamples: (series) => seriesSamples(spec.target, series, new Map()),
      };
    case 'threshold':
    case 'spike': {
      if (!spec.metric) return `a ${spec.kind} rule without a metric cannot be backtested`;
      const metric = spec.metric;
      const target = `${prefix}.*.*.${metric}`;
      const lead = spec.kind === 'spike' ? 2 * spec.window : spec.window;
      return { target, leadMs: lead, toSamples: (series) => collectorSamples(metric, series) };
    }
    default:
      return `a ${spec.kind} rule reads ${spec.kind === 'absence' ? 'heartbeats and inventories' : 'log lines or Docker events'}, which Graphite does not keep: it cannot be backtested from Graphite`;
  }
}

/** The carbon sink's `<prefix>.<host>.<container>.<metric...>` back into samples with their container. */
function collectorSamples(metric: string, series: readonly RenderedSeries[]): MetricSample[] {
  const depth = metric.split('.').length;
  const out: MetricSample[] = [];
  for (const s of series) {
    const nodes = s.target.split('.');
    const host = nodes[nodes.length - depth - 2] ?? '';
    const name = nodes[nodes.length - depth - 1] ?? '';
    const container: ContainerMeta | undefined =
      name === '_host' ? undefined : { id: name, name, image: '', labels: {}, service: name };
    for (const [v, sec] of s.datapoints)
      if (v !== null)
        out.push({ kind: 'metric', host, ts: sec * 1000, name: metric, value: v, type: 'gauge', container });
  }
  return out;
}
