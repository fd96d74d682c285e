/**
 * Aggregation on per-alert routes: alerts of one rule on one service (by the rule's `by` labels)
 * are one problem once `min_alerts` of them fire. Which group an alert speaks in is sticky: an
 * alert already paged alone stays alone, one already in the aggregate stays there, so a dedup key
 * never changes under an open incident.
 */
import type { Alert } from '../types';
import type { AggregateRule } from './config';
import { allHold, fromMaps, matchLabels, type Matcher } from './matchers';

export interface CompiledAggregate {
  index: number;
  matchers: Matcher[];
  rule: AggregateRule;
}

export function compileAggregateRules(rules: AggregateRule[]): CompiledAggregate[] {
  return rules.map((rule, index) => ({ index, matchers: fromMaps(rule.match, rule.match_re), rule }));
}

/** The first aggregate rule an alert falls under, and the labels its aggregate is keyed by. */
export function aggregateOf(
  rules: CompiledAggregate[],
  alert: Alert,
): { rule: CompiledAggregate; labels: Record<string, string> } | undefined {
  const labels = matchLabels(alert);
  for (const rule of rules) {
    if (!allHold(rule.matchers, labels)) continue;
    if (rule.rule.by.some((l) => !labels[l])) continue;
    return { rule, labels: Object.fromEntries(rule.rule.by.map((l) => [l, labels[l]!])) };
  }
  return undefined;
}

export type Placement = 'alone' | 'aggregate';

/**
 * Where one alert of an aggregate speaks. `firing` counts the aggregate's firing, unmuted alerts
 * (those paged alone included: the second one is what makes it a storm).
 */
export function placeInAggregate(
  told: { alone: boolean; inAggregate: boolean },
  firing: number,
  minAlerts: number,
): Placement {
  if (told.alone) return 'alone';
  if (told.inAggregate) return 'aggregate';
  return firing >= minAlerts ? 'aggregate' : 'alone';
}
