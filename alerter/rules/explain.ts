import { formatDuration } from '../../core/duration';
import type { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import { compileRule } from './compile';
import { loadRules, type LoadedRule } from './load';
import { readTestFile, replay, rulesFor } from './rule-tests-run';

export interface ExplainOptions {
  /** Rule files or folders. */
  rules: readonly string[];
  /** A rule name, or an alert's dedup key. */
  target: string;
  /** The running alerter's state store: states and the transitions recorded with their values. */
  store?: StateStore;
  /** Instead of the store: replay this `*.test.yaml` and show every change of the target's groups. */
  testFile?: string;
}

const iso = (t: number | null | undefined): string =>
  t === null || t === undefined ? '-' : new Date(t).toISOString();

function describeRule(r: LoadedRule): string[] {
  const c = compileRule(r, { latenessMs: 0 });
  const s = r.spec;
  return [
    `rule ${s.name} (${s.kind}, ${s.severity}) at ${r.file}:${r.line}`,
    `  condition: ${c.evaluator.describe()}`,
    `  grouped by: ${c.groupBy.join(', ')}; for: ${formatDuration(c.timing.forMs)}; keep_firing_for: ${formatDuration(c.timing.keepFiringForMs)}; on_no_data: ${c.timing.onNoData}`,
    ...(s.where ? [`  where: ${JSON.stringify(s.where)}`] : []),
  ];
}

function fromStore(rule: LoadedRule | undefined, target: string, store: StateStore): string[] {
  const db = new AlertStore(store);
  const name = rule?.spec.name;
  const alerts = db.all().filter((a) => a.rule === name || a.key === target);
  const out: string[] = [];
  if (alerts.length === 0)
    out.push(
      '  no alert instance recorded: the condition has never held (or only pending states that never changed)',
    );
  for (const a of alerts) {
    out.push(
      `  alert ${a.key} ${a.group_labels}: ${a.state}; active since ${iso(a.active_at)}, fired ${iso(a.fired_at)}, resolved ${iso(a.resolved_at)}, last value ${a.value ?? '-'}`,
    );
  }
  const hist = db.history(
    alerts.length === 1 ? undefined : name,
    alerts.length === 1 ? alerts[0]!.key : undefined,
    50,
  );
  if (hist.length > 0) out.push('  transitions (newest last), with the value computed at that moment:');
  for (const h of hist)
    out.push(
      `    ${iso(h.at)} ${h.labels} ${h.from_state} -> ${h.to_state}: ${h.detail ?? `value ${h.value}`}`,
    );
  return out;
}

function fromReplay(ruleName: string, file: string): string[] {
  const { tf, problems } = readTestFile(file);
  if (!tf) return problems.map((p) => `  ${p.file}:${p.line}:${p.col}: ${p.message}`);
  const out: string[] = [];
  for (const tc of tf.tests) {
    out.push(`  test "${tc.name}" (replayed from ${file}; a line per change of state or value):`);
    const last = new Map<string, string>();
    const r = replay(tf, tc, rulesFor(file, tf), (at, rule, labels, state, detail) => {
      if (rule !== ruleName) return;
      const key = JSON.stringify(labels);
      const line = `${state}: ${detail}`;
      if (last.get(key) === line) return;
      last.set(key, line);
      out.push(`    t=${formatDuration(at)} ${key} ${line}`);
    });
    if (typeof r === 'string') out.push(`    ${r}`);
    else if (r.failures.length > 0) out.push(`    (this test fails: ${r.failures.length} expectation(s))`);
  }
  return out;
}

/**
 * `lookout explain <rule or alert key>`: the rule's condition in words, then either what the
 * running alerter recorded (states, and each transition with the value and window it saw) or,
 * with a test file, a replay showing every change of the rule's groups step by step.
 */
export async function explain(opts: ExplainOptions): Promise<string> {
  const loaded = loadRules(opts.rules);
  let rule = loaded.rules.find((r) => r.spec.name === opts.target);
  if (!rule && opts.store) {
    const row = new AlertStore(opts.store).all().find((a) => a.key === opts.target);
    if (row) rule = loaded.rules.find((r) => r.spec.name === row.rule);
  }
  const out: string[] = [];
  if (rule) out.push(...describeRule(rule));
  else
    out.push(
      `no rule or alert "${opts.target}" in ${opts.rules.join(', ')}${opts.store ? ' or the state store' : ''}`,
    );
  if (opts.testFile && rule) out.push(...fromReplay(rule.spec.name, opts.testFile));
  else if (opts.store) out.push(...fromStore(rule, opts.target, opts.store));
  await Promise.resolve();
  return out.join('\n');
}
