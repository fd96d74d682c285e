import type { CompiledRule } from '../rules/compile';

/**
 * How the engine applies a rule's `where` to an event the router gave the rule: no test (none,
 * or the one equality the router indexes on); the rule's runtime tests it only for a series new
 * to it (it reads key labels alone: CompiledRule.whereByKey); or test it first.
 */
export const WHERE_NONE = 0;
export const WHERE_BY_KEY = 1;
export const WHERE_FIRST = 2;

export function whereModeOf(rule: CompiledRule): number {
  if (rule.whereIndexed || rule.where === undefined) return WHERE_NONE;
  return rule.whereByKey ? WHERE_BY_KEY : WHERE_FIRST;
}
