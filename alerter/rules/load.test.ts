import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem } from '../../core/errors';
import { checkRules } from './check';
import { loadRuleText } from './load';
import { ruleJsonSchema } from './write-schema';

const fmt = (file: string, text: string): string[] => loadRuleText(file, text).problems.map(formatProblem);

describe('rule file problems', () => {
  it('reports every problem in a file at once, located, with hints', () => {
    const text = [
      'rules:', //                                           1
      '  - name: high_cpu', //                               2
      '    kind: treshold', //                               3
      '    summary: x', //                                   4
      '  - name: slow', //                                   5
      '    kind: threshold', //                              6
      '    metric: cpu.percnt', //                           7
      '    window: 30x', //                                  8
      '    treshold: 5', //                                  9
      '    summary: x', //                                  10
      '  - name: errs', //                                  11
      '    kind: log_match', //                             12
      '    match: {regex: "a(b"}', //                       13
      '    window: 1m', //                                  14
      '  - name: errs2', //                                 15
      '    kind: log_match', //                             16
      '    match: {regex: "a"}', //                         17
      '    window: 1m', //                                  18
      '    summary: "{{ contaner }} is bad"', //            19
    ].join('\n');
    expect(fmt('r.yaml', text)).toEqual([
      'r.yaml:3:11: rule "high_cpu": unknown kind "treshold"; did you mean "threshold"?',
      'r.yaml:5:5: rule "slow": threshold: required key missing (a number)',
      'r.yaml:7:13: rule "slow": metric: metric "cpu.percnt" is not emitted by any collector (the list: docs/metrics.md; your own Graphite series: kind graphite); did you mean "cpu.percent"?',
      'r.yaml:8:13: rule "slow": window: "30x" is not a duration (use e.g. 500ms, 10s, 5m, 1h)',
      'r.yaml:9:5: rule "slow": unknown key "treshold" for kind threshold; did you mean "threshold"?',
      'r.yaml:13:20: rule "errs": match.regex: regex does not compile: Invalid regular expression: /a(b/: Unterminated group',
      'r.yaml:19:14: rule "errs2": template uses {{ contaner }}, which is not a group label of this rule; did you mean {{ container }}?',
    ]);
  });

  it('names the value refused from a list, with the nearest one (an abbreviation too)', () => {
    const text =
      'rules:\n  - {name: a, kind: threshold, metric: cpu.percent, reduce: average, window: 1m, threshold: 1}\n';
    expect(fmt('e.yaml', text)).toEqual([
      'e.yaml:2:61: rule "a": reduce: "average" is not one of avg, min, max, sum, count, rate, last, p50, p90, p95, p99; did you mean "avg"?',
    ]);
  });

  it('says what is wrong with cross-field mistakes', () => {
    const text =
      'rules:\n  - {name: a, kind: threshold, metric: cpu.percent, window: 1m, threshold: 80, clear: 90, summary: s}\n  - {name: b, kind: absence, of: metric, after: 1m, summary: s}\n';
    expect(fmt('x.yaml', text)).toEqual([
      'x.yaml:2:87: rule "a": clear 90 is on the firing side of > 80; hysteresis needs it the other side',
      'x.yaml:3:34: rule "b": of: metric needs `metric:`, the series that should keep arriving',
    ]);
  });

  it('rejects unknown top-level keys and YAML syntax errors with positions', () => {
    expect(fmt('a.yaml', 'rules: []\ngroups: []\n')).toEqual(['a.yaml:2:1: groups: unknown key "groups"']);
    expect(fmt('b.yaml', 'rules:\n  - name: [\n')[0]).toMatch(/^b\.yaml:\d+:\d+: /);
  });

  it('checks every file of a folder and names used twice', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
    const r = (name: string) =>
      `rules:\n  - {name: ${name}, kind: lifecycle, condition: unhealthy, summary: s}\n`;
    fs.writeFileSync(path.join(dir, 'a.yaml'), r('dup'));
    fs.writeFileSync(
      path.join(dir, 'b.yaml'),
      `${r('dup')}  - {name: c, kind: lifecycle, condition: nope, summary: s}\n`,
    );
    const problems = (await checkRules([dir])).map(formatProblem).map((l) => l.split(dir).join('D'));
    expect(problems).toEqual([
      expect.stringMatching(/^D\/b\.yaml:3:\d+: rule "c": condition: /),
      'D/b.yaml:2:5: rule "dup": name already used at D/a.yaml:2; names key alert state and must be unique',
    ]);
  });

  it('the default rules check clean and rules/schema.json is up to date', async () => {
    expect(await checkRules(['rules'])).toEqual([]);
    const onDisk = JSON.parse(fs.readFileSync('rules/schema.json', 'utf8')) as unknown;
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(ruleJsonSchema())));
  });
});
