import { formatDuration } from '../../../core/duration';
import type { LifecycleEvent } from '../../../core/events';
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { common } from '../../rules/schema-parts';
import type { EvalDeps, Evaluator, Observation } from '../evaluator';
import { Ring, windowShape } from '../window';

export const lifecycleRule = z
  .object({
    kind: z.literal('lifecycle'),
    ...common,
    condition: z.enum(['crash_loop', 'oom_killed', 'unhealthy', 'exited']),
    /** crash_loop: this many deaths within `window`. */
    count: z.number().int().positive().optional(),
    window: duration().optional(),
    ignore_exit_codes: z.array(z.number().int()).optional(),
  })
  .strict();
type Spec = z.output<typeof lifecycleRule>;

interface State {
  ring: Ring;
  /** unhealthy / exited: the condition as the last event left it. */
  on: boolean;
  code?: number;
  lastAt: number;
}

const DEFAULT_WINDOW = 5 * 60_000;
/** Docker sends `oom` and then `die` with OOMKilled for one kill: count them once. */
const OOM_PAIR_MS = 5_000;

/**
 * Container lifecycle: crash loops (deaths in a window), OOM kills, failing health checks and
 * non-zero exits. A death the collector marked `intent: 'user'` (docker stop/rm, a deploy
 * replacing the container) never counts, and a user stop or removal clears the condition.
 */
export function lifecycle(spec: Spec, deps: EvalDeps): Evaluator<State> {
  const windowMs = spec.window ?? DEFAULT_WINDOW;
  const shape = windowShape(windowMs, deps.latenessMs);
  const need = spec.condition === 'crash_loop' ? (spec.count ?? 3) : 1;
  const ignored = new Set(spec.ignore_exit_codes ?? []);
  const counting = spec.condition === 'crash_loop' || spec.condition === 'oom_killed';

  const apply = (s: State, ev: LifecycleEvent): boolean => {
    const user = ev.intent === 'user' || ev.action === 'stop' || ev.action === 'destroy';
    switch (spec.condition) {
      case 'crash_loop':
        if (ev.action !== 'die' || ev.intent === 'user' || ignored.has(ev.exitCode ?? -1)) return false;
        return s.ring.add(ev.ts, 1);
      case 'oom_killed':
        if (!(ev.action === 'oom' || (ev.action === 'die' && ev.oomKilled))) return false;
        if (ev.ts - s.lastAt < OOM_PAIR_MS) return false;
        s.lastAt = ev.ts;
        return s.ring.add(ev.ts, 1);
      case 'unhealthy':
        if (ev.action === 'health_status') s.on = ev.health === 'unhealthy';
        else if (ev.action === 'die' || user || ev.action === 'start') s.on = false;
        else return false;
        return true;
      case 'exited':
        if (ev.action === 'die' && !user && (ev.exitCode ?? 0) !== 0 && !ignored.has(ev.exitCode!)) {
          s.on = true;
          s.code = ev.exitCode;
        } else if (ev.action === 'start' || user) s.on = false;
        else return false;
        return true;
    }
  };

  const what = conditionText(spec.condition, windowMs, need);

  return {
    topics: ['lifecycle'],
    newState: () => ({ ring: new Ring(shape), on: false, lastAt: -Infinity }),
    ingest(ev, get, groups) {
      const g = groups.byEvent(get);
      return apply(g.s, ev as LifecycleEvent) ? g : undefined;
    },
    evaluate(s, now, _firing, d = false): Observation {
      if (counting) {
        const n = s.ring.stats(now).count;
        return { value: n, active: n >= need, threshold: need, detail: d && `${n} ${what}` };
      }
      const value = spec.condition === 'exited' ? (s.on ? (s.code ?? 1) : 0) : s.on ? 1 : 0;
      return {
        value,
        active: s.on,
        detail:
          d && `${what}: ${s.on ? 'yes' : 'no'}${s.code !== undefined && s.on ? ` (exit ${s.code})` : ''}`,
      };
    },
    idle: (s, now) => !s.on && s.ring.newest() < now - windowMs - deps.latenessMs,
    describe: () => `${spec.condition}: ${what}`,
  };
}

function conditionText(condition: Spec['condition'], windowMs: number, need: number): string {
  return condition === 'crash_loop'
    ? `deaths (not by a user) in ${formatDuration(windowMs)}, fires at ${need}`
    : condition === 'oom_killed'
      ? `OOM kills in ${formatDuration(windowMs)}`
      : condition === 'unhealthy'
        ? 'health check failing (unhealthy until healthy, restarted or stopped)'
        : 'exited non-zero and not started again';
}
