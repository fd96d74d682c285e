import type { ConfigProblem } from '../../core/errors';
import { loadRules } from './load';
import { readTestFile, testFiles } from './rule-tests-run';

export interface RuleCheck {
  problems: ConfigProblem[];
  /** Rules the paths hold (zero is valid, and worth a warning: nothing would page). */
  rules: number;
}

/**
 * `lookout check [rules/]`: every problem in every rule file (and test file) at once, each as
 * `file:line:col: rule "x": what is wrong`, with a hint where one can be guessed.
 */
export async function ruleCheck(paths: readonly string[]): Promise<RuleCheck> {
  const loaded = loadRules(paths);
  const problems = [...loaded.problems];
  for (const f of testFiles(paths)) problems.push(...readTestFile(f).problems);
  await Promise.resolve();
  return { problems, rules: loaded.rules.length };
}

export async function checkRules(paths: readonly string[]): Promise<ConfigProblem[]> {
  return (await ruleCheck(paths)).problems;
}
