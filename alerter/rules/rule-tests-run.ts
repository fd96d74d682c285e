import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../../core/clock';
import { validateYaml, positionOf, type PathKey } from '../../core/config/located';
import { formatDuration } from '../../core/duration';
import { formatProblem, type ConfigProblem } from '../../core/errors';
import { Engine } from '../engine/engine';
import type { AlertState, AlertTransition } from '../types';
import { compileRules } from './compile';
import { loadRules } from './load';
import { testFileProblems } from './rule-tests-check';
import { testEvents, testFileSchema, type TestCase, type TestFile } from './rule-tests-file';

export interface TestFailure {
  file: string;
  line: number;
  test: string;
  /** What differed, as a diff: `-` expected and missing, `+` present and not expected. */
  message: string;
}

export interface TestReport {
  files: string[];
  passed: number;
  failed: number;
  failures: TestFailure[];
  /** Test or rule files that could not be read or validated. */
  problems: ConfigProblem[];
}

/** Called at every evaluation step of a replay (for `lookout explain --test`). */
export type TraceFn = (
  at: number,
  rule: string,
  labels: Record<string, string>,
  state: AlertState,
  detail: string,
) => void;

/** `*.test.yaml` files under `paths` (folders searched one level deep, files as given). */
export function testFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      for (const name of fs.readdirSync(p).sort())
        if (/\.test\.ya?ml$/.test(name)) out.push(path.join(p, name));
    } else if (/\.test\.ya?ml$/.test(p)) out.push(p);
  }
  return out;
}

const fmtLabels = (l: Record<string, string>): string =>
  `{${Object.keys(l)
    .sort()
    .map((k) => `${k}="${l[k]}"`)
    .join(', ')}}`;
const subset = (want: Record<string, string>, got: Record<string, string>): boolean =>
  Object.entries(want).every(([k, v]) => got[k] === v);

/** Expected label sets against actual ones: each expected matches one actual (subset of its labels). */
function diff(
  kind: string,
  want: Array<Record<string, string>>,
  got: Array<Record<string, string>>,
): string[] {
  const left = [...got];
  const lines: string[] = [];
  for (const w of want) {
    const i = left.findIndex((g) => subset(w, g));
    if (i >= 0) left.splice(i, 1);
    else lines.push(`  - ${kind} ${fmtLabels(w)}  (expected, not ${kind})`);
  }
  for (const g of left) lines.push(`  + ${kind} ${fmtLabels(g)}  (${kind}, not expected)`);
  return lines;
}

export interface ReplayResult {
  failures: string[];
  transitions: AlertTransition[];
}

/** Runs one test case against compiled rules on a ManualClock; returns the differences. */
export function replay(
  tf: TestFile,
  tc: TestCase,
  rulesPaths: readonly string[],
  trace?: TraceFn,
): ReplayResult | string {
  const loaded = loadRules(rulesPaths);
  if (loaded.problems.length > 0) return `rules have problems; run lookout check`;
  const events = testEvents(tc, tf.start, tf.interval);
  if (typeof events === 'string') return events;
  const clock = new ManualClock(tf.start);
  const engine = new Engine({ clock, latenessMs: tf.lateness });
  const transitions: AlertTransition[] = [
    ...engine.setRules(compileRules(loaded.rules, { latenessMs: tf.lateness })),
  ];
  const expects = [...tc.expect].sort((a, b) => a.at - b.at);
  const end = expects[expects.length - 1]!.at;
  const steps = new Set<number>(expects.map((e) => e.at));
  for (let t = 0; t <= end; t += tf.interval) steps.add(t);
  const failures: string[] = [];
  let next = 0;
  for (const t of [...steps].sort((a, b) => a - b)) {
    for (; next < events.length && events[next]!.ts <= tf.start + t; next++) {
      clock.set(events[next]!.ts);
      transitions.push(...engine.ingest([events[next]!]));
    }
    clock.set(tf.start + t);
    transitions.push(...engine.tick());
    if (trace) traceGroups(engine, t, tf.start + t, trace);
    for (const ex of expects.filter((e) => e.at === t)) {
      const f = checkExpect(engine, ex, t, tf.start + t, rulesPaths);
      if (f) failures.push(f);
    }
  }
  return { failures, transitions };
}

function traceGroups(engine: Engine, t: number, now: number, trace: TraceFn): void {
  for (const rule of engine.rules()) {
    const rt = engine.runtime(rule.name)!;
    for (const g of rt.groups.values()) trace(t, rule.name, g.labels, g.alert.state, rt.explainGroup(g, now));
  }
}

/** One expectation against the engine at test time `t`: the difference in words, or nothing. */
function checkExpect(
  engine: Engine,
  ex: TestCase['expect'][number],
  t: number,
  now: number,
  rulesPaths: readonly string[],
): string | undefined {
  const rt = engine.runtime(ex.rule);
  if (!rt) return `at ${formatDuration(t)}: no rule "${ex.rule}" in ${rulesPaths.join(', ')}`;
  const inState = (s: AlertState) =>
    [...rt.groups.values()]
      .filter((g) => g.alert.state === s)
      .map((g) => ({ ...g.labels, ...rt.rule.spec.labels }));
  const lines: string[] = [];
  if (ex.firing) lines.push(...diff('firing', ex.firing, inState('firing')));
  if (ex.pending) lines.push(...diff('pending', ex.pending, inState('pending')));
  if (ex.resolved) lines.push(...diff('resolved', ex.resolved, inState('resolved')));
  if (lines.length === 0) return undefined;
  const values = [...rt.groups.values()].map(
    (g) => `    ${fmtLabels(g.labels)} ${g.alert.state}: ${rt.explainGroup(g, now)}`,
  );
  return [
    `at ${formatDuration(t)} rule ${ex.rule}:`,
    ...lines,
    '  groups at that time:',
    ...(values.length ? values : ['    (none)']),
  ].join('\n');
}

export function readTestFile(file: string): {
  tf?: TestFile;
  problems: ConfigProblem[];
  line: (i: number) => number;
  at?: (keys: PathKey[]) => { line: number; col: number };
} {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return {
      problems: [
        {
          file,
          line: 0,
          col: 0,
          key: '',
          message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        },
      ],
      line: () => 0,
    };
  }
  const r = validateYaml(file, text, testFileSchema);
  const at = (keys: PathKey[]) => positionOf(r.doc, r.lines, keys);
  return { tf: r.value, problems: r.problems, line: (i) => at(['tests', i]).line, at };
}

/** The rule files a test file exercises. */
export function rulesFor(file: string, tf: TestFile): string[] {
  const dir = path.dirname(file);
  if (tf.rule_files) return tf.rule_files.map((f) => path.resolve(dir, f));
  const sibling = file.replace(/\.test\.(ya?ml)$/, '.$1');
  return [fs.existsSync(sibling) ? sibling : dir];
}

/** `lookout test [rules/]`: runs every `*.test.yaml`; failures carry a diff of expected and actual alerts. */
export async function testRules(paths: readonly string[]): Promise<TestReport> {
  const files = testFiles(paths);
  const report: TestReport = { files, passed: 0, failed: 0, failures: [], problems: [] };
  for (const file of files) {
    const { tf, problems, line, at } = readTestFile(file);
    report.problems.push(...problems);
    if (!tf || !at) continue;
    const rules = rulesFor(file, tf);
    const loaded = loadRules(rules);
    const ruleNames = loaded.rules.map((r) => r.spec.name);
    const ruleProblems = [...loaded.problems, ...testFileProblems(file, tf, ruleNames, at)];
    if (ruleProblems.length > 0) {
      report.problems.push(...ruleProblems);
      continue;
    }
    tf.tests.forEach((tc, i) => {
      const r = replay(tf, tc, rules);
      const failures = typeof r === 'string' ? [r] : r.failures;
      if (failures.length === 0) report.passed++;
      else {
        report.failed++;
        report.failures.push({ file, line: line(i), test: tc.name, message: failures.join('\n') });
      }
    });
    await new Promise((r) => setImmediate(r));
  }
  return report;
}

/** The report as `lookout test` prints it. */
export function formatTestReport(r: TestReport): string {
  const out: string[] = [];
  for (const f of r.failures) out.push(`FAIL ${f.file}:${f.line}: test "${f.test}"\n${f.message}`);
  for (const p of r.problems) out.push(formatProblem(p));
  out.push(
    `${r.passed} passed, ${r.failed} failed, ${r.problems.length} problems in ${r.files.length} files`,
  );
  return out.join('\n');
}
