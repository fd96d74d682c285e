import { formatDuration } from '../../../core/duration';
import type { MetricSample } from '../../../core/events';
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { REDUCERS, common, compare, metricName } from '../../rules/schema-parts';
import type { Op } from '../condition';
import type { EvalDeps, Evaluator, Observation } from '../evaluator';
import { FAST_OPS, FAST_QUANTILE, FAST_REDUCERS, type FastReduce } from '../fast-path';
import { Ring, windowShape, type RingOptions, type WindowStats } from '../window';

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
  const holds = condition(spec);
  const options: RingOptions = {
    histogram: q !== undefined,
    minmax: spec.reduce === 'min' || spec.reduce === 'max',
    inc: spec.reduce === 'rate',
  };
  const scratch: Observation = { value: undefined, active: false, threshold: spec.threshold };
  const what = `${spec.reduce}(${spec.metric}) over ${formatDuration(spec.window)}`;
  return {
    topics: ['metric'],
    metric: spec.metric,
    newState: () => new Ring(shape, options),
    ring: { shape, options },
    fast: fastSpec(spec),
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
        scratch.active = holds(value, firing);
        return scratch;
      }
      if (value === undefined)
        return { value, active: false, threshold: spec.threshold, detail: d && `${what}: no samples` };
      const active = holds(value, firing);
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

/**
 * The rule's `reduce` over the window at `now`; undefined when the window holds no sample. One
 * closure per reducer, chosen once: the hot path runs it for every sample of every group, and a
 * switch on the reducer's name there was a tenth of bench:rules' profile (issue 16).
 */
function reducer(spec: Spec): (r: Ring, now: number) => number | undefined {
  const seconds = spec.window / 1000;
  const some = (r: Ring, now: number): WindowStats | undefined => {
    const st = r.stats(now);
    return st.count === 0 ? undefined : st;
  };
  switch (spec.reduce) {
    case 'avg':
      return (r, now) => {
        const st = some(r, now);
        return st && st.sum / st.count;
      };
    case 'min':
      return (r, now) => some(r, now)?.min;
    case 'max':
      return (r, now) => some(r, now)?.max;
    case 'sum':
      return (r, now) => some(r, now)?.sum;
    case 'count':
      return (r, now) => some(r, now)?.count;
    case 'rate':
      return (r, now) => {
        const st = some(r, now);
        return st && st.inc / seconds;
      };
    case 'last':
      return (r, now) => (some(r, now) ? r.lastValue : undefined);
    default: {
      const q = QUANTILES[spec.reduce]!;
      return (r, now) => (some(r, now) ? r.quantile(now, q) : undefined);
    }
  }
}

/**
 * What the engine's fast path needs to compute `reducer` and `condition` itself: as data, not
 * closures, so that the fast path is one function V8 compiles with no calls per rule (a call
 * through a closure that differs per rule boxes each number it passes: an allocation per group
 * and sample). fast-path.test.ts holds the two paths to the same decisions.
 */
function fastSpec(spec: Spec): FastReduce {
  const code = FAST_REDUCERS.indexOf(spec.reduce as (typeof FAST_REDUCERS)[number]);
  return {
    reduce: code >= 0 ? code : FAST_QUANTILE,
    arg: code >= 0 ? spec.window / 1000 : QUANTILES[spec.reduce]!,
    op: FAST_OPS.indexOf(spec.op),
    threshold: spec.threshold,
    clear: spec.clear ?? NaN,
  };
}

/** `holds` with the rule's operator and levels bound once (no switch on the operator per sample). */
function condition(spec: Spec): (value: number, firing: boolean) => boolean {
  const { op, threshold: t, clear } = spec;
  const fires = comparison(op, t);
  if (clear === undefined) return (v) => fires(v);
  const above = op.startsWith('>');
  return (v, firing) => (firing ? (above ? v > clear : v < clear) : fires(v));
}

function comparison(op: Op, t: number): (v: number) => boolean {
  switch (op) {
    case '>':
      return (v) => v > t;
    case '>=':
      return (v) => v >= t;
    case '<':
      return (v) => v < t;
    case '<=':
      return (v) => v <= t;
    case '==':
      return (v) => v === t;
    case '!=':
      return (v) => v !== t;
  }
}
