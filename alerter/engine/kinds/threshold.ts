import { formatDuration } from '../../../core/duration';
import type { MetricSample } from '../../../core/events';
import type { RuleOf } from '../../rules/schema';
import { holds, type EvalDeps, type Evaluator, type Observation } from '../evaluator';
import { Ring, windowShape } from '../window';

const QUANTILES: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

/** A metric reduced over a sliding window, compared with a value. */
export function threshold(spec: RuleOf<'threshold'>, deps: EvalDeps): Evaluator<Ring> {
  const shape = windowShape(spec.window, deps.latenessMs);
  const q = QUANTILES[spec.reduce];
  const seconds = spec.window / 1000;
  const reduce = (r: Ring, now: number): number | undefined => {
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
