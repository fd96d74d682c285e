import type { RuleKind, RuleOf } from '../../rules/schema';
import type { EvalDeps, Evaluator } from '../evaluator';
import { absence, absenceRule } from './absence';
import { graphite, graphiteRule } from './graphite';
import { lifecycle, lifecycleRule } from './lifecycle';
import { logMatch, logMatchRule } from './log-match';
import { predict, predictRule } from './predict';
import { ratio, ratioRule } from './ratio';
import { spike, spikeRule } from './spike';
import { threshold, thresholdRule } from './threshold';

/**
 * The only place a rule kind is registered: its schema (rules/schema.ts builds the rule union
 * from these, in this order, which is also the order of rules/schema.json) and its evaluator.
 */
export const RULE_KIND_REGISTRY = {
  threshold: { schema: thresholdRule, evaluator: threshold },
  absence: { schema: absenceRule, evaluator: absence },
  log_match: { schema: logMatchRule, evaluator: logMatch },
  ratio: { schema: ratioRule, evaluator: ratio },
  lifecycle: { schema: lifecycleRule, evaluator: lifecycle },
  spike: { schema: spikeRule, evaluator: spike },
  graphite: { schema: graphiteRule, evaluator: graphite },
  predict: { schema: predictRule, evaluator: predict },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own state type; the engine treats it as opaque
type Factory<K extends RuleKind> = (spec: RuleOf<K>, deps: EvalDeps) => Evaluator<any>;

/** One evaluator factory per rule kind, from the registry. */
export const EVALUATORS = Object.fromEntries(
  Object.entries(RULE_KIND_REGISTRY).map(([kind, k]) => [kind, k.evaluator]),
) as { [K in RuleKind]: Factory<K> };
