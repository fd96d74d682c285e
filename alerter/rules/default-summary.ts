import type { RuleSpec } from './schema';

/** The group label that best names what an alert is about, in order of preference. */
const SUBJECTS = ['service', 'container', 'target', 'series', 'rule', 'host'];

/**
 * The summary of a rule that has none (issue 14: Prometheus does not require annotations either,
 * and a generated line reads better than an error): the rule, what it is about, and for a rule
 * with a threshold the value against it. A template, rendered per alert like a written one.
 */
export function defaultSummary(spec: RuleSpec, groupBy: readonly string[]): string {
  const subject = SUBJECTS.find((l) => groupBy.includes(l));
  const on = subject ? ` on {{ ${subject} }}` : '';
  if ('threshold' in spec && spec.threshold !== undefined)
    return `${spec.name}${on}: {{ value }} ${spec.op ?? '>'} ${spec.threshold}`;
  return `${spec.name}${on}`;
}
