/**
 * Issue 13, point 3: rules aggregate over a service's containers. The pool's CPU is
 * rules/services.yaml's service_pool_hot (tested in rules/services.test.yaml); containers running
 * vs expected (absence of: service, min_running) and the log error ratio per service (ratio,
 * group_by [service]) are written with the existing kinds in testdata/per-service/, whose rule
 * tests this runs as `lookout test` would.
 */
import path from 'node:path';
import { formatTestReport, testRules } from './rule-tests-run';

test('per-service rules: containers running vs expected, and the log error ratio per service', async () => {
  const r = await testRules([path.join(__dirname, 'testdata', 'per-service')]);
  expect(formatTestReport(r)).toMatch(/ 0 failed, 0 problems/);
  expect(r.passed).toBe(5);
});
