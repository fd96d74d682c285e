/**
 * YAML faults a person makes in a rule file or the config (an alias with no anchor, a key set
 * twice, an alias bomb, a merge key): each is a located problem naming the key, never a stack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookoutCli } from '../support/lookout-cli';
import { loadRuleText } from '../../alerter/rules/load';
import { formatProblem } from '../../core/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-yaml-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const rule = (name: string, threshold: number) =>
  [
    `  - name: ${name}`,
    '    kind: threshold',
    '    metric: cpu.percent',
    '    reduce: avg',
    '    window: 1m',
    '    op: ">"',
    `    threshold: ${threshold}`,
    '    severity: warning',
  ].join('\n');

const problemsOf = (text: string) => loadRuleText('r.yaml', text).problems.map(formatProblem);

test('an alias whose anchor is not set is a located problem in a rule file, not a crash', () => {
  const text = `rules:\n${rule('a', 90)}\n  - *nope\n`;
  expect(problemsOf(text)).toEqual(['r.yaml:10:5: rules[1]: alias *nope has no anchor &nope set before it']);
});

test('a key set twice names its path', () => {
  const text = `rules:\n${rule('a', 90)}\n    threshold: 80\n`;
  expect(problemsOf(text)).toEqual(['r.yaml:10:5: rules[0].threshold: set twice in the same mapping']);
});

test('an alias bomb is refused with the parser reason', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) {
    const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
    bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
  }
  expect(problemsOf(`${bomb.join('\n')}\nrules: []\n`)).toEqual([
    'r.yaml:1:1: Excessive alias count indicates a resource exhaustion attack',
  ]);
});

test('a merge key takes a rule from an anchored one, and its own keys win', () => {
  const text = `rules:\n  - &base\n${rule('a', 90).replace('  - ', '    ')}\n  - <<: *base\n    name: b\n    threshold: 95\n`;
  const { rules, problems } = loadRuleText('r.yaml', text);
  expect(problems).toEqual([]);
  expect(rules.map((r) => [r.spec.name, (r.spec as { threshold: number }).threshold])).toEqual([
    ['a', 90],
    ['b', 95],
  ]);
});

test('lookout check and the config loader report these with exit code 2', async () => {
  const rules = path.join(dir, 'aliases.yaml');
  fs.writeFileSync(rules, `rules:\n${rule('a', 90)}\n  - <<: *nope\n    name: b\n`);
  const config = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(config, 'collector:\n  stats:\n    interval: *every\n');
  const r = await lookoutCli(['check', rules]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${rules}:10:9: rules[1].<<: alias *nope has no anchor &nope set before it`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const c = await lookoutCli(['check', '--config', config, rules]);
  expect(c.code).toBe(2);
  expect(c.stderr).toContain(`${config}:3:15: collector.stats.interval: alias *every has no anchor`);
});
