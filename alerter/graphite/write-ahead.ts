/**
 * The states a Graphite poll's transitions lead to, read from the engine so that a fleet's
 * hand-off can write them before notify hears of the transitions (a write ahead). Notify's
 * outbox is per replica: with the state written first, a replica killed before or just after
 * its notify took a firing leaves the next owner a firing state, which it adopts (no second
 * firing) and whose receivers it pages if nobody told them (notify's takeOver). Written after,
 * as other transitions are, the next owner found no state and fired the alert again.
 */
import type { Engine, PersistedAlert } from '../engine/engine';
import type { AlertTransition } from '../types';
import { graphiteRuleRoute } from './ownership';

export function statesAhead(engine: Engine, transitions: readonly AlertTransition[]): PersistedAlert[] {
  const out: PersistedAlert[] = [];
  const byRule = new Map<string, Map<string, PersistedAlert>>();
  for (const { alert } of transitions) {
    let states = byRule.get(alert.rule);
    if (!states) {
      const live = engine.runtime(alert.rule)?.persisted() ?? [];
      byRule.set(alert.rule, (states = new Map(live.map((p) => [p.key, p]))));
    }
    // Not among the live ones: back to inactive (a pending that cleared), so the state goes.
    out.push(
      states.get(alert.key) ?? {
        key: alert.key,
        rule: alert.rule,
        groupLabels: {},
        state: 'inactive',
        routingKey: graphiteRuleRoute(alert.rule),
      },
    );
  }
  return out;
}

/**
 * Settles with `write`, or rejects after `ms`: a slow state topic must not hold a page back
 * (notify hears of it then, and the state is written after it, as other alerts' are).
 */
export async function within(write: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`state topic did not answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([write, late]);
  } finally {
    clearTimeout(timer);
  }
}
