import { formatDuration } from '../../../core/duration';
import type { MetricSample } from '../../../core/events';
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { REDUCERS, common, compare, metricName } from '../../rules/schema-parts';
import { holds, type EvalDeps, type Evaluator, type Observation } from '../evaluator';
import { Ring, windowShape } from '../window';

export const thresholdRule = z
  .object({
    kind: z.literal('threshold'),
    ...common,
    metric: metricName,
    reduce: z.enum(REDUCERS).default('avg'),
    window: duration(),
    ...compare,
  })
  .strict();
type Spec = z.output<typeof thresholdRule>;

const QUANTILES: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

/** A metric reduced over a sliding window, compared with a value. */
export function threshold(spec: Spec, deps: EvalDeps): Evaluator<Ring> {
  const shape = windowShape(spec.window, deps.latenessMs);
  const q = QUANTILES[spec.reduce];
  const reduce = reducer(spec);
  const scratch: Observation = { value: undefined, active: false, threshold: spec.threshold };
  const what = `${spec.reduce}(${spec.metric}) over ${formatDuration(spec.window)}`;
  return {
    topics: ['metric'],
    metric: spec.metric,
    newState: () =>
      new Ring(shape, {
        histogram: q !== undefined,
        minmax: spec.reduce === 'min' || spec.reduce === 'max',
        inc: spec.reduce === 'rate',
      }),
    ingest(ev, get, groups) {
      const g = groups.byEvent(get);
      g.s.add(ev.ts, (ev as MetricSample).value);
      return g;
    },
    evaluate(r, now, firing, d = false): Observation {
      const value = reduce(r, now);
      if (!d && value !== undefined) {
        // Hot path: the engine reads this synchronously and keeps nothing, so reuse one object.
        scratch.value = value;
        scratch.active = holds(spec.op, spec.threshold, spec.clear, value, firing);
        return scratch;
      }
      if (value === undefined)
        return { value, active: false, threshold: spec.threshold, detail: d && `${what}: no samples` };
      const active = holds(spec.op, spec.threshold, spec.clear, value, firing);
      const n = r.stats(now).count;
      return {
        value,
        active,
        threshold: spec.threshold,
        detail:
          d &&
          `${what} = ${value} from ${n} samples; fires ${spec.op} ${spec.threshold}${spec.clear !== undefined ? `, clears past ${spec.clear}` : ''}`,
      };
    },
    idle: (r, now) => r.newest() < now - spec.window - deps.latenessMs,
    describe: () => `${what} ${spec.op} ${spec.threshold}`,
  };
}

/** The rule's `reduce` over the window at `now`; undefined when the window holds no sample. */
function reducer(spec: Spec): (r: Ring, now: number) => number | undefined {
  const q = QUANTILES[spec.reduce];
  const seconds = spec.window / 1000;
  return (r, now) => {
    const st = r.stats(now);
    if (st.count === 0) return undefined;
    switch (spec.reduce) {
      case 'avg':
        return st.sum / st.count;
      case 'min':
        return st.min;
      case 'max':
        return st.max;
      case 'sum':
        return st.sum;
      case 'count':
        return st.count;
      case 'rate':
        return st.inc / seconds;
      case 'last':
        return r.lastValue;
      default:
        return r.quantile(now, q!);
    }
  };
}
