import { formatDuration } from '../../../core/duration';
import type { LogEvent } from '../../../core/events';
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { common, compare, lineMatchSchema } from '../../rules/schema-parts';
import { holds } from '../condition';
import type { EvalDeps, Evaluator } from '../evaluator';
import { compileLineMatch, pushLine } from '../linematch';
import { Ring, windowShape } from '../window';

export const ratioRule = z
  .object({
    kind: z.literal('ratio'),
    ...common,
    match: lineMatchSchema,
    window: duration(),
    min_total: z.number().int().nonnegative().default(10),
    ...compare,
  })
  .strict();
type Spec = z.output<typeof ratioRule>;

interface State {
  ring: Ring;
  lines: string[];
}

/** Matching lines over all lines (that pass `where`) in the window: an error rate, with a minimum volume. */
export function ratio(spec: Spec, deps: EvalDeps): Evaluator<State> {
  const shape = windowShape(spec.window, deps.latenessMs);
  const matches = compileLineMatch(spec.match);
  const what = `matching/all lines over ${formatDuration(spec.window)}`;
  return {
    topics: ['log'],
    newState: () => ({ ring: new Ring(shape), lines: [] }),
    ingest(ev, get, groups) {
      const g = groups.byEvent(get);
      const hit = matches(ev as LogEvent);
      // count = all lines, sum = matching lines.
      g.s.ring.add(ev.ts, hit ? 1 : 0);
      if (hit) pushLine(g.s.lines, (ev as LogEvent).message);
      return g;
    },
    evaluate(s, now, firing, d = false) {
      const st = s.ring.stats(now);
      if (st.count === 0)
        return {
          value: undefined,
          active: false,
          threshold: spec.threshold,
          detail: d && `${what}: no lines`,
        };
      const value = st.sum / st.count;
      if (st.count < spec.min_total) {
        return {
          value,
          active: false,
          threshold: spec.threshold,
          detail: d && `${st.sum}/${st.count} ${what}: below min_total ${spec.min_total}`,
        };
      }
      return {
        value,
        active: holds(spec.op, spec.threshold, spec.clear, value, firing),
        threshold: spec.threshold,
        detail: d && `${st.sum}/${st.count} = ${value} ${what}; fires ${spec.op} ${spec.threshold}`,
        lines: s.lines,
      };
    },
    idle: (s, now) => s.ring.newest() < now - spec.window - deps.latenessMs,
    describe: () => `${what} ${spec.op} ${spec.threshold} (at least ${spec.min_total} lines)`,
  };
}
