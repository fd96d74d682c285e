import { formatDuration } from '../../../core/duration';
import type { LogEvent } from '../../../core/events';
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { common, lineMatchSchema } from '../../rules/schema-parts';
import type { EvalDeps, Evaluator } from '../evaluator';
import { compileLineMatch, pushLine } from '../linematch';
import { Ring, windowShape } from '../window';

export const logMatchRule = z
  .object({
    kind: z.literal('log_match'),
    ...common,
    match: lineMatchSchema,
    window: duration(),
    min_count: z.number().int().positive().default(1),
  })
  .strict();
type Spec = z.output<typeof logMatchRule>;

interface State {
  ring: Ring;
  lines: string[];
}

/** Log lines that match, at least `min_count` of them within the window. */
export function logMatch(spec: Spec, deps: EvalDeps): Evaluator<State> {
  const shape = windowShape(spec.window, deps.latenessMs);
  const matches = compileLineMatch(spec.match);
  const what = `matching lines in ${formatDuration(spec.window)}`;
  return {
    topics: ['log'],
    newState: () => ({ ring: new Ring(shape), lines: [] }),
    ingest(ev, get, groups) {
      const log = ev as LogEvent;
      if (!matches(log)) return undefined;
      const g = groups.byEvent(get);
      g.s.ring.add(ev.ts, 1);
      pushLine(g.s.lines, log.message);
      return g;
    },
    evaluate(s, now, _firing, d = false) {
      const n = s.ring.stats(now).count;
      return {
        value: n,
        active: n >= spec.min_count,
        threshold: spec.min_count,
        detail: d && `${n} ${what}; fires at ${spec.min_count}`,
        lines: s.lines,
      };
    },
    idle: (s, now) => s.ring.newest() < now - spec.window - deps.latenessMs,
    describe: () => `at least ${spec.min_count} ${what}`,
  };
}
