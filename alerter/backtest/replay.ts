import { ManualClock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import { Engine } from '../engine/engine';
import type { CompiledRule } from '../rules/compile';
import type { AlertTransition } from '../types';

/** One stretch of time an alert instance spent pending or firing. */
export interface StateInterval {
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  start: number;
  /** Undefined: still in that state at the end of the replay. */
  end?: number;
  /** The highest value the rule computed during the stretch. */
  peak: number;
}

export interface ReplayResult {
  intervals: StateInterval[];
  /** Times an instance went to firing: each is one new problem, one page on a paging route. */
  fired: number;
  firingMs: number;
  /** Every transition, in order: what the dispatcher is fed to count the pages (pages.ts). */
  transitions: AlertTransition[];
}

/**
 * Runs one compiled rule over history through the live engine (same evaluator, same state
 * machine), its clock stepped by `stepMs` from `from` to `until`, with each sample fed once the
 * clock reaches it. Pure: the samples come from the caller.
 */
export function replay(
  rule: CompiledRule,
  samples: readonly MetricSample[],
  range: { from: number; until: number; stepMs: number },
): ReplayResult {
  const clock = new ManualClock(range.from);
  const engine = new Engine({ clock, latenessMs: 0 });
  engine.setRules([rule]);
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const open = new Map<string, StateInterval>();
  const done: StateInterval[] = [];
  let fired = 0;
  const transitions: AlertTransition[] = [];
  const apply = (ts: readonly AlertTransition[]): void => {
    transitions.push(...ts);
    for (const t of ts) {
      const cur = open.get(t.alert.key);
      if (cur && cur.state !== t.to) {
        cur.end = t.at;
        done.push(cur);
        open.delete(t.alert.key);
      }
      if ((t.to === 'pending' || t.to === 'firing') && !open.has(t.alert.key)) {
        const peak = t.alert.value ?? Number.NEGATIVE_INFINITY;
        open.set(t.alert.key, { state: t.to, labels: t.alert.labels, start: t.at, peak });
      }
      if (t.to === 'firing') fired++;
    }
  };
  let i = 0;
  for (let now = range.from; now <= range.until; now += range.stepMs) {
    clock.set(now);
    const batch: MetricSample[] = [];
    while (i < sorted.length && sorted[i]!.ts <= now) batch.push(sorted[i++]!);
    if (batch.length > 0) apply(engine.ingest(batch));
    apply(engine.tick());
    const rt = engine.runtime(rule.name)!;
    for (const g of rt.groups.values()) {
      const cur = open.get(g.dedup);
      if (cur && g.alert.value !== undefined) cur.peak = Math.max(cur.peak, g.alert.value);
    }
  }
  const intervals = [...done, ...open.values()].sort((a, b) => a.start - b.start);
  const firingMs = intervals
    .filter((x) => x.state === 'firing')
    .reduce((sum, x) => sum + ((x.end ?? range.until) - x.start), 0);
  return { intervals, fired, firingMs, transitions };
}
