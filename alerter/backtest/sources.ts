import type { MetricSample } from '../../core/events';
import type { RenderedSeries } from '../graphite/render';
import { seriesSamples } from '../graphite/render';
import type { RuleSpec } from '../rules/schema';
import { collectorHistory, type CollectorNaming } from './naming';

/** Where a rule's history is in Graphite, and how its series become the samples the rule reads. */
export interface HistorySource {
  target: string;
  /** How far before `from` to read, so the first windows are full. */
  leadMs: number;
  toSamples(series: readonly RenderedSeries[]): MetricSample[];
}

/**
 * A Graphite-target rule reads its own target; a threshold or spike rule on a collector metric
 * reads what the carbon or StatsD sink wrote (naming.ts). Other kinds read log lines, Docker
 * events or heartbeats, which are not in Graphite: the answer is why.
 */
export function historySource(spec: RuleSpec, naming: CollectorNaming): HistorySource | string {
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
      const lead = spec.kind === 'spike' ? 2 * spec.window : spec.window;
      return { ...collectorHistory(spec.metric, naming), leadMs: lead };
    }
    default:
      return `a ${spec.kind} rule reads ${spec.kind === 'absence' ? 'heartbeats and inventories' : 'log lines or Docker events'}, which Graphite does not keep: it cannot be backtested from Graphite`;
  }
}
