import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { REDUCERS, common, compare } from '../../rules/schema-parts';
import type { EvalDeps, Evaluator } from '../evaluator';
import { seriesLabels, graphiteMetricName } from '../../graphite/series';
import type { Ring } from '../window';
import { threshold } from './threshold';

/**
 * A rule on any Graphite target expression (issue 14). The alerter's Graphite poller (live), the
 * backtest (history) and `lookout test` (a test file's series) all turn the series a target
 * returns into samples named `graphite:<target>`, labelled with the series name (`series`) and
 * its tags; this evaluator derives each alert instance's labels from those, then reduces and
 * compares exactly as a threshold rule does.
 */
export const graphiteRule = z
  .object({
    kind: z.literal('graphite'),
    ...common,
    target: z.string().min(1),
    /**
     * Labels from the series: a number picks that dot-separated node of the name (0-based, negative
     * counts from the end, as aliasByNode), a string names a Graphite tag of a tagged series.
     */
    series_labels: z.record(z.string(), z.union([z.number().int(), z.string().min(1)])).optional(),
    /** How often graphite-web is asked. */
    interval: duration().prefault('1m'),
    /** The deadline of one render request (at most the interval). */
    timeout: duration().prefault('10s'),
    reduce: z.enum(REDUCERS).default('avg'),
    window: duration(),
    ...compare,
  })
  .strict();
type Spec = z.output<typeof graphiteRule>;

export function graphite(spec: Spec, deps: EvalDeps): Evaluator<Ring> {
  const inner = threshold({ ...spec, kind: 'threshold', metric: graphiteMetricName(spec.target) }, deps);
  return {
    ...inner,
    ingest(ev, get, groups) {
      if (ev.kind !== 'metric') return undefined;
      const g = groups.byLabels(seriesLabels(get('series'), spec.series_labels, get));
      g.s.add(ev.ts, ev.value);
      return g;
    },
    describe: () => `${inner.describe().replace(graphiteMetricName(spec.target), spec.target)}`,
  };
}
