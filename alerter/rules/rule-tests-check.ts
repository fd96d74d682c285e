import type { ConfigProblem } from '../../core/errors';
import { dotted, type PathKey } from '../../core/config/located';
import { closest } from './hint';
import { expandValues, type TestFile } from './rule-tests-file';

/**
 * Faults in a test file that running it cannot explain: series notation that does not parse,
 * an expectation naming a rule the rule files do not have. Reported
 * like a rule file's problems (file:line:col and key) before anything runs, rather than as a
 * failed test that points at the test's first line only.
 */
export function testFileProblems(
  file: string,
  tf: TestFile,
  ruleNames: readonly string[],
  at: (path: PathKey[]) => { line: number; col: number },
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const problem = (path: PathKey[], message: string) =>
    out.push({ file, ...at(path), key: dotted(path), message });
  tf.tests.forEach((tc, i) => {
    tc.series.forEach((s, j) => {
      const values = expandValues(s.values);
      if (typeof values === 'string') problem(['tests', i, 'series', j, 'values'], values);
    });
    tc.expect.forEach((ex, k) => {
      if (ruleNames.includes(ex.rule)) return;
      const near = closest(ex.rule, ruleNames);
      const hint = near ? `; did you mean "${near}"?` : '';
      problem(['tests', i, 'expect', k, 'rule'], `no rule "${ex.rule}" in the rule files tested${hint}`);
    });
  });
  return out;
}
