import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { explain } from './explain';
import { formatTestReport, testRules } from './rule-tests-run';

const RULES = `rules:
  - name: hot
    kind: threshold
    metric: cpu.percent
    window: 10s
    threshold: 80
    for: 1m
    summary: '{{ container }} hot'
`;

describe('lookout test over rules/', () => {
  it('the default rule set passes its tests', async () => {
    const r = await testRules(['rules']);
    expect(formatTestReport(r)).toMatch(/ 0 failed, 0 problems/);
    expect(r.passed).toBeGreaterThanOrEqual(15);
  });

  it('a failing expectation prints the difference and the values', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruletest-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), RULES);
    fs.writeFileSync(
      path.join(dir, 'a.test.yaml'),
      'tests:\n  - name: wrong\n    series: [{container: web, metric: cpu.percent, values: "10x30"}]\n    expect: [{at: 20s, rule: hot, firing: [{container: web}]}]\n',
    );
    const r = await testRules([dir]);
    expect(r.failed).toBe(1);
    expect(r.failures[0]!.message).toContain(
      'at 20s rule hot:\n  - firing {container="web"}  (expected, not firing)',
    );
    expect(r.failures[0]!.message).toContain('avg(cpu.percent) over 10s = 10 from 10 samples; fires > 80');
    const replayed = await explain({ rules: [dir], target: 'hot', testFile: path.join(dir, 'a.test.yaml') });
    expect(replayed).toContain(
      't=0s {"host":"test-host","container":"web","service":"web"} inactive: avg(cpu.percent) over 10s = 10 from 1 samples',
    );
  });
});
