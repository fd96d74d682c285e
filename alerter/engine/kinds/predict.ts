import { z } from 'zod';
import { formatDuration } from '../../../core/duration';
import type { MetricSample } from '../../../core/events';
import { duration } from '../../../core/config/types';
import { common, compare, metricName } from '../../rules/schema-parts';
import { holds } from '../condition';
import type { EvalDeps, Evaluator } from '../evaluator';

export const predictRule = z
  .object({
    kind: z.literal('predict'),
    ...common,
    metric: metricName,
    /** The samples the line is fitted to. */
    window: duration(),
    /** How far ahead of now the line is read (Prometheus's predict_linear `t`). */
    horizon: duration(),
    /** Fewer samples than this, or spanning under a quarter of the window, predict nothing. */
    min_samples: z.number().int().min(2).default(3),
    ...compare,
  })
  .strict();
type Spec = z.output<typeof predictRule>;

/** The window's samples, oldest first, as two parallel arrays (a few hundred at most). */
export interface Series {
  ts: number[];
  v: number[];
}

/**
 * Least-squares line through the samples, read at `at`: like Prometheus's predict_linear.
 * Undefined when the times do not spread (one instant) or there are too few points.
 */
export function predictLinear(s: Series, at: number, minSamples: number): number | undefined {
  const n = s.ts.length;
  if (n < minSamples) return undefined;
  // Times relative to the newest sample keep the sums small enough for doubles.
  const t0 = s.ts[n - 1]!;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const x = (s.ts[i]! - t0) / 1000;
    const y = s.v[i]!;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const denom = n * sxx - sx * sx;
  if (denom === 0) return undefined;
  const slope = (n * sxy - sx * sy) / denom;
  const intercept = (sy - slope * sx) / n;
  return intercept + slope * ((at - t0) / 1000);
}

function trim(s: Series, from: number): void {
  let k = 0;
  while (k < s.ts.length && s.ts[k]! < from) k++;
  if (k > 0) {
    s.ts.splice(0, k);
    s.v.splice(0, k);
  }
}

/** A metric's linear trend over a window, read `horizon` ahead and compared with a value: "full within 4 h". */
export function predict(spec: Spec, deps: EvalDeps): Evaluator<Series> {
  const what = `${spec.metric} fitted over ${formatDuration(spec.window)}, read ${formatDuration(spec.horizon)} ahead`;
  return {
    topics: ['metric'],
    metric: spec.metric,
    newState: () => ({ ts: [], v: [] }),
    ingest(ev, get, groups, now) {
      const g = groups.byEvent(get);
      const s = g.s;
      // Samples arrive in time order per group; a late one goes in its place.
      let i = s.ts.length;
      while (i > 0 && s.ts[i - 1]! > ev.ts) i--;
      s.ts.splice(i, 0, ev.ts);
      s.v.splice(i, 0, (ev as MetricSample).value);
      trim(s, Math.max(now, ev.ts) - spec.window - deps.latenessMs);
      return g;
    },
    evaluate(s, now, firing, d = false) {
      trim(s, now - spec.window);
      const spans = s.ts.length > 0 && s.ts.at(-1)! - s.ts[0]! >= spec.window / 4;
      const value = spans ? predictLinear(s, now + spec.horizon, spec.min_samples) : undefined;
      if (value === undefined)
        return {
          value,
          active: false,
          threshold: spec.threshold,
          detail: d && `${what}: too few samples (${s.ts.length})`,
        };
      return {
        value,
        active: holds(spec.op, spec.threshold, spec.clear, value, firing),
        threshold: spec.threshold,
        detail: d && `${what} = ${value} from ${s.ts.length} samples; fires ${spec.op} ${spec.threshold}`,
      };
    },
    idle: (s, now) => s.ts.length === 0 || s.ts.at(-1)! < now - spec.window - deps.latenessMs,
    describe: () => `${what} ${spec.op} ${spec.threshold}`,
  };
}
