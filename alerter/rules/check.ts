import type { ConfigProblem } from '../../core/errors';
import { loadRules } from './load';
import { readTestFile, testFiles } from './rule-tests-run';

/**
 * `lookout check [rules/]`: every problem in every rule file (and test file) at once, each as
 * `file:line:col: rule "x": what is wrong`, with a hint where one can be guessed.
 */
export async function checkRules(paths: readonly string[]): Promise<ConfigProblem[]> {
  const problems = [...loadRules(paths).problems];
  for (const f of testFiles(paths)) problems.push(...readTestFile(f).problems);
  await Promise.resolve();
  return problems;
}
