/**
 * `lookout test` on a test file with mistakes a run cannot explain: each is a problem with
 * file, line, column and key (exit code 2), not a failed test pointing at the test's first line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookoutCli } from '../support/lookout-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-ruletest-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RULES = `rules:
  - name: hot
    kind: threshold
    metric: cpu.percent
    window: 10s
    threshold: 80
`;

const TESTS = `tests:
  - name: burn
    series:
      - { container: web, metric: cpu.percent, values: '10x5 99xq' }
    expect:
      - { at: 20s, rule: hott, firing: [] }
`;

test('bad series notation and an unknown rule are located problems, exit code 2', async () => {
  fs.writeFileSync(path.join(dir, 'a.yaml'), RULES);
  const testFile = path.join(dir, 'a.test.yaml');
  fs.writeFileSync(testFile, TESTS);
  const r = await lookoutCli(['test', dir, path.join(dir, 'missing.test.yaml')]);
  expect(r.code).toBe(2);
  expect(r.stdout + r.stderr).toContain(
    `${testFile}:4:56: tests[0].series[0].values: "99xq" is not a value, a gap (_), "a x n" or "a+b x n"`,
  );
  expect(r.stdout + r.stderr).toContain(
    `${testFile}:6:26: tests[0].expect[0].rule: no rule "hott" in the rule files tested; did you mean "hot"?`,
  );
  // A file that cannot be read has no line to name: the path alone, never ":0:0".
  expect(r.stdout + r.stderr).toContain(`${path.join(dir, 'missing.test.yaml')}: cannot read: ENOENT`);
  expect(r.stdout + r.stderr).not.toContain('FAIL');
});
