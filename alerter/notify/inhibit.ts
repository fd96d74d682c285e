/**
 * Inhibition: an alert that matches a rule's source mutes the alerts matching its target
 * when they agree on the `equal` labels. An alert never inhibits itself.
 */
import type { Alert, Severity } from '../types';
import type { InhibitRule } from './config';
import { allHold, fromMaps, matchLabels, type Matcher } from './matchers';

interface Compiled {
  index: number;
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

export function compileInhibitRules(rules: InhibitRule[]): Compiled[] {
  return rules.map((r, index) => ({
    index,
    source: fromMaps(r.source_match, r.source_match_re),
    target: fromMaps(r.target_match, r.target_match_re),
    equal: r.equal,
  }));
}

export interface Inhibition {
  rule: number;
  by: string;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

/**
 * Which firing alert (if any) mutes `target`. `firing` is every firing alert, muted or not.
 * Whatever the rules say, an alert never mutes one more severe than itself: a warning that
 * happens to match a broad source must not silence a critical page.
 */
export function inhibitedBy(rules: Compiled[], firing: Alert[], target: Alert): Inhibition | undefined {
  const t = matchLabels(target);
  for (const rule of rules) {
    if (!allHold(rule.target, t)) continue;
    for (const src of firing) {
      if (src.key === target.key || RANK[src.severity] < RANK[target.severity]) continue;
      const s = matchLabels(src);
      if (allHold(rule.source, s) && rule.equal.every((l) => (s[l] ?? '') === (t[l] ?? '')))
        return { rule: rule.index, by: src.key };
    }
  }
  return undefined;
}
