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

  it('feeds a Graphite-target rule from a test file series (target + series name, tags as labels)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruletest-'));
    fs.writeFileSync(
      path.join(dir, 'g.yaml'),
      `rules:
  - name: checkout_slow
    kind: graphite
    target: 'stats.timers.shop.*.checkout.upper_90'
    series_labels: {service: 3, dc: dc}
    reduce: max
    window: 30s
    threshold: 500
    summary: '{{ service }} slow'
`,
    );
    fs.writeFileSync(
      path.join(dir, 'g.test.yaml'),
      `tests:
  - name: web is slow, api is not
    series:
      - { target: 'stats.timers.shop.*.checkout.upper_90', series: stats.timers.shop.web.checkout.upper_90, labels: { dc: eu }, values: '100 900 900', every: 10s }
      - { target: 'stats.timers.shop.*.checkout.upper_90', series: stats.timers.shop.api.checkout.upper_90, values: '100x3', every: 10s }
    expect:
      - { at: 5s, rule: checkout_slow, firing: [] }
      - { at: 10s, rule: checkout_slow, firing: [{ service: web, dc: eu }] }
`,
    );
    const r = await testRules([dir]);
    expect(formatTestReport(r)).toMatch(/1 passed, 0 failed, 0 problems/);
  });

  it('says which series entry has neither a metric nor a target and series', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruletest-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), RULES);
    fs.writeFileSync(
      path.join(dir, 'a.test.yaml'),
      'tests:\n  - name: t\n    series: [{target: x, values: "1"}]\n    expect: []\n',
    );
    const r = await testRules([dir]);
    expect(formatTestReport(r)).toContain('a series has either `metric`, or `target` and `series`');
  });
});
