import type { EvalDeps, Evaluator } from '../engine/evaluator';
import { EVALUATORS } from '../engine/kinds';
import { compileWhere, equalities, type WherePredicate } from '../engine/labels';
import type { Timing } from '../engine/state';
import { defaultGroupBy, type LoadedRule } from './load';
import type { RuleOf, RuleSpec } from './schema';

/** A rule ready to run: its evaluator, matchers and timing, built once per (re)load. */
export interface CompiledRule {
  name: string;
  spec: RuleSpec;
  file: string;
  line: number;
  evaluator: Evaluator<unknown>;
  where?: WherePredicate;
  /** The `where` is one equality the router already indexes on: no need to check it again. */
  whereIndexed: boolean;
  /**
   * The `where` reads only labels of `keyBy`: a series whose group this rule already made passed
   * it. The engine leaves the test to the rule's runtime, which skips it when the series index
   * holds that group (a ring rule, on an event several rules take) and tests it otherwise.
   */
  whereByKey: boolean;
  /** Index of this rule's (interned) group_by, for the per-event key cache. */
  groupById: number;
  /** Plain-equality matchers, which the router indexes on. */
  equals: Array<[string, string]>;
  groupBy: string[];
  /**
   * The labels of `groupBy` that tell groups apart (the group's key): those a container's name
   * already settles are left out, since they would only lengthen the key built for every sample.
   */
  keyBy: string[];
  timing: Timing;
  /** After a restart, restored alerts cannot clear before this long: the rule's windows must refill first. */
  warmupMs: number;
  /** Same text, same fingerprint: a reload keeps such a rule's windows. */
  fingerprint: string;
}

export function compileRule(r: LoadedRule, deps: EvalDeps): CompiledRule {
  const spec = r.spec;
  const factory = EVALUATORS[spec.kind] as (s: RuleOf<typeof spec.kind>, d: EvalDeps) => Evaluator<unknown>;
  const evaluator = factory(spec, deps);
  const groupBy = intern(spec.group_by ?? defaultGroupBy(spec));
  const keyBy = intern(keyLabels(groupBy));
  return {
    name: spec.name,
    spec,
    file: r.file,
    line: r.line,
    evaluator,
    where: evaluator.ownWhere ? undefined : compileWhere(spec.where),
    equals: evaluator.ownWhere ? [] : equalities(spec.where),
    groupBy,
    keyBy,
    groupById: GROUPINGS.get(keyBy.join('\u0000'))!.id,
    whereIndexed:
      !evaluator.ownWhere &&
      !evaluator.topics.includes('heartbeat') &&
      Object.keys(spec.where ?? {}).length === 1 &&
      equalities(spec.where).length === 1,
    whereByKey: !evaluator.ownWhere && Object.keys(spec.where ?? {}).every((n) => keyBy.includes(n)),
    timing: { forMs: spec.for ?? 0, keepFiringForMs: spec.keep_firing_for ?? 0, onNoData: spec.on_no_data },
    warmupMs: warmup(spec),
    fingerprint: `${deps.latenessMs}|${JSON.stringify(spec)}`,
  };
}

/**
 * Labels read from a container's own labels (compose's service and project, or lookout.service):
 * one container name carries one value, so beside `container` they add nothing to a group's
 * identity. Container alerts carry `service` by default (notify aggregates by it), and keying on
 * it cost bench:rules a quarter of its throughput.
 */
const SETTLED_BY_CONTAINER = new Set(['service', 'compose_project']);
function keyLabels(groupBy: string[]): string[] {
  if (!groupBy.includes('container')) return groupBy;
  return groupBy.filter((n) => !SETTLED_BY_CONTAINER.has(n));
}

/** One array per distinct group_by, so the engine computes each event's key once per distinct grouping. */
const GROUPINGS = new Map<string, { list: string[]; id: number }>();
function intern(groupBy: string[]): string[] {
  const name = groupBy.join('\u0000');
  let g = GROUPINGS.get(name);
  if (!g) GROUPINGS.set(name, (g = { list: groupBy, id: GROUPINGS.size }));
  return g.list;
}

function warmup(spec: RuleSpec): number {
  if ('window' in spec && spec.window !== undefined)
    return spec.kind === 'spike' ? 2 * spec.window : spec.window;
  if (spec.kind === 'absence') return spec.after;
  return 5 * 60_000;
}

export function compileRules(rules: readonly LoadedRule[], deps: EvalDeps): CompiledRule[] {
  return rules.map((r) => compileRule(r, deps));
}
