import type { RuleKind, RuleOf } from '../../rules/schema';
import type { EvalDeps, Evaluator } from '../evaluator';
import { absence } from './absence';
import { lifecycle } from './lifecycle';
import { logMatch } from './log-match';
import { ratio } from './ratio';
import { spike } from './spike';
import { threshold } from './threshold';

/** One factory per rule kind, the only place a kind is registered. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own state type; the engine treats it as opaque
export const EVALUATORS: { [K in RuleKind]: (spec: RuleOf<K>, deps: EvalDeps) => Evaluator<any> } = {
  threshold,
  absence,
  log_match: logMatch,
  ratio,
  lifecycle,
  spike,
};
