import { formatDuration } from '../../../core/duration';
import type { LogEvent } from '../../../core/events';
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { common, lineMatchSchema, metricName } from '../../rules/schema-parts';
import type { EvalDeps, Evaluator } from '../evaluator';
import { compileLineMatch } from '../linematch';
import { Ring, windowShape } from '../window';

export const spikeRule = z
  .object({
    kind: z.literal('spike'),
    ...common,
    metric: metricName.optional(),
    match: lineMatchSchema.optional(),
    reduce: z.enum(['sum', 'count', 'avg']).default('sum'),
    window: duration(),
    factor: z.number().gt(1),
    direction: z.enum(['up', 'down', 'both']).default('up'),
    min_current: z.number().nonnegative().default(0),
    min_previous: z.number().nonnegative().default(1),
  })
  .strict();
type Spec = z.output<typeof spikeRule>;

/** The current window against the one before it, up or down by `factor`, with minimum volumes (as ElastAlert's spike). */
export function spike(spec: Spec, deps: EvalDeps): Evaluator<Ring> {
  const shape = windowShape(spec.window, deps.latenessMs, 2);
  const matches = spec.match ? compileLineMatch(spec.match) : undefined;
  const reduce = (r: { count: number; sum: number }): number =>
    spec.reduce === 'count' ? r.count : spec.reduce === 'avg' ? (r.count ? r.sum / r.count : 0) : r.sum;
  const what = `${spec.reduce} of ${spec.metric ?? 'matching lines'} over ${formatDuration(spec.window)} against the ${formatDuration(spec.window)} before`;
  return {
    topics: spec.metric ? ['metric'] : ['log'],
    metric: spec.metric,
    newState: () => new Ring(shape),
    ring: { shape, options: {} },
    ingest(ev, get, groups) {
      if (matches && !matches(ev as LogEvent)) return undefined;
      const g = groups.byEvent(get);
      g.s.add(ev.ts, ev.kind === 'metric' ? ev.value : 1);
      return g;
    },
    evaluate(r, now, _firing, d = false) {
      const cur = reduce(r.range(now, 0));
      const prev = reduce(r.range(now, 1));
      const ratio = prev > 0 ? cur / prev : cur > 0 ? Infinity : 1;
      const enough = cur >= spec.min_current && prev >= spec.min_previous;
      const up = ratio >= spec.factor;
      const down = ratio <= 1 / spec.factor;
      const active = enough && (spec.direction === 'up' ? up : spec.direction === 'down' ? down : up || down);
      return {
        value: ratio,
        active,
        threshold: spec.factor,
        detail:
          d &&
          `${what}: ${cur} vs ${prev} (x${ratio}); fires at x${spec.factor} ${spec.direction}${enough ? '' : ', below minimum volume'}`,
      };
    },
    idle: (r, now) => r.newest() < now - 2 * spec.window - deps.latenessMs,
    describe: () => `${what}, ${spec.direction} by x${spec.factor}`,
  };
}
