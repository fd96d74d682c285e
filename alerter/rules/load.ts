import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ConfigProblem } from '../../core/errors';
import { parseYamlFile, positionOf, zodProblems, type PathKey } from '../../core/config/located';
import { plainValue } from '../../core/config/yaml-problems';
import { closest, enumHints } from './hint';
import { RULE_KINDS, RULE_SCHEMAS, ruleFileSchema, type RuleSpec } from './schema';
import { templateNames } from './template';

/** A validated rule and where it was written. */
export interface LoadedRule {
  spec: RuleSpec;
  file: string;
  line: number;
  col: number;
}

export interface LoadResult {
  rules: LoadedRule[];
  problems: ConfigProblem[];
  files: string[];
}

/** Rule files under `paths` (files as given; folders: *.yaml/*.yml that are not tests), sorted. */
export function ruleFiles(paths: readonly string[]): { files: string[]; problems: ConfigProblem[] } {
  const files: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      problems.push({
        file: p,
        line: 0,
        col: 0,
        key: '',
        message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
      continue;
    }
    if (!st.isDirectory()) {
      files.push(p);
      continue;
    }
    for (const name of fs.readdirSync(p).sort()) {
      if (/\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name)) files.push(path.join(p, name));
    }
  }
  return { files, problems };
}

const BUILTIN_TEMPLATE_NAMES = ['value', 'threshold', 'rule', 'severity'];

function ruleLabel(raw: unknown, index: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `rule "${name}"` : `rule #${index + 1}`;
}

/** Checks zod cannot express on one field: cross-field rules, template placeholders. */
function crossChecks(spec: RuleSpec): Array<{ path: PathKey[]; message: string }> {
  const out: Array<{ path: PathKey[]; message: string }> = [];
  if (spec.kind === 'absence') {
    if (spec.of === 'metric' && !spec.metric)
      out.push({ path: ['of'], message: 'of: metric needs `metric:`, the series that should keep arriving' });
    if (spec.of !== 'service' && spec.min_running !== undefined)
      out.push({ path: ['min_running'], message: 'min_running only applies to of: service' });
    if (spec.of !== 'service' && spec.expected_from !== undefined)
      out.push({ path: ['expected_from'], message: 'expected_from only applies to of: service' });
  }
  if (spec.kind === 'spike' && (spec.metric === undefined) === (spec.match === undefined)) {
    out.push({
      path: ['metric'],
      message: 'a spike rule reads either `metric:` or `match:` (log lines), exactly one',
    });
  }
  if ((spec.kind === 'threshold' || spec.kind === 'ratio') && spec.clear !== undefined) {
    const bad =
      (spec.op.startsWith('>') && spec.clear > spec.threshold) ||
      (spec.op.startsWith('<') && spec.clear < spec.threshold);
    if (bad)
      out.push({
        path: ['clear'],
        message: `clear ${spec.clear} is on the firing side of ${spec.op} ${spec.threshold}; hysteresis needs it the other side`,
      });
    if (spec.op === '==' || spec.op === '!=')
      out.push({ path: ['clear'], message: `clear has no meaning with op ${spec.op}` });
  }
  if (spec.kind === 'lifecycle' && spec.condition !== 'crash_loop' && spec.count !== undefined) {
    out.push({ path: ['count'], message: 'count only applies to condition: crash_loop' });
  }
  const known = new Set([
    ...BUILTIN_TEMPLATE_NAMES,
    ...(spec.group_by ?? defaultGroupBy(spec)),
    ...Object.keys(spec.labels ?? {}),
  ]);
  for (const key of ['summary', 'description'] as const) {
    const text = spec[key];
    if (!text) continue;
    for (const n of templateNames(text)) {
      if (known.has(n)) continue;
      const near = closest(n, [...known]);
      out.push({
        path: [key],
        message: `template uses {{ ${n} }}, which is not a group label of this rule${near ? `; did you mean {{ ${near} }}?` : ` (known: ${[...known].join(', ')})`}`,
      });
    }
  }
  return out;
}

/**
 * The labels an alert instance is keyed on when the rule does not say. A container alert also
 * carries its service (compose service or `lookout.service`; no key change for a container
 * without one): notify aggregates a rule's storm over one service by it.
 */
export function defaultGroupBy(spec: RuleSpec): string[] {
  const perContainer = ['host', 'container', 'service'];
  switch (spec.kind) {
    case 'absence':
      if (spec.of === 'heartbeat') return ['host'];
      if (spec.of === 'service') return ['host', 'service'];
      return spec.metric?.startsWith('probe.') ? ['target'] : perContainer;
    case 'threshold':
      return spec.metric.startsWith('probe.') ? ['target'] : perContainer;
    case 'spike':
      return spec.metric?.startsWith('probe.') ? ['target'] : perContainer;
    case 'graphite':
      // One alert instance per returned series, carrying the labels its name (or tags) gives.
      return ['series', ...Object.keys(spec.series_labels ?? {})];
    default:
      return perContainer;
  }
}

/** Adds "did you mean" to zod's messages: unknown keys get the nearest key the kind allows. */
function withHints(
  problems: ConfigProblem[],
  kind: string,
  label: string,
  issues: z.core.$ZodIssue[],
  item: unknown,
  at: (path: PropertyKey[]) => { line: number; col: number },
): ConfigProblem[] {
  const allowed = Object.keys((RULE_SCHEMAS as Record<string, z.ZodObject>)[kind]?.shape ?? {});
  const unknown = new Set(issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [])));
  const badValues = enumHints(item, issues, at);
  return problems.map((p) => {
    const sub = p.key.replace(/^rules\[\d+\]\.?/, '');
    const missing = /^Invalid input: expected (\w+), received undefined$/.exec(p.message);
    let message = `${sub ? `${sub}: ` : ''}${missing ? `required key missing (a ${missing[1]})` : p.message}`;
    const bad = badValues.get(`${p.line}:${p.col}`);
    if (bad) message = `${sub}: ${bad}`;
    const m = /^unknown key "(.*)"$/.exec(p.message);
    if (m && unknown.has(m[1]!)) {
      const near = closest(m[1]!, allowed);
      message = `unknown key "${m[1]}" for kind ${kind}${near ? `; did you mean "${near}"?` : `; allowed: ${allowed.join(', ')}`}`;
    }
    return { ...p, key: label, message };
  });
}

/** Parses and validates one rule file's text; every problem in it, located. */
export function loadRuleText(file: string, text: string): { rules: LoadedRule[]; problems: ConfigProblem[] } {
  const { doc, lines, problems } = parseYamlFile(file, text);
  if (problems.length > 0) return { rules: [], problems };
  const plain = plainValue(file, doc);
  if (plain.problems.length > 0) return { rules: [], problems: plain.problems };
  const raw: unknown = plain.value ?? { rules: [] };
  const top = ruleFileSchema.safeParse(raw);
  if (!top.success) return { rules: [], problems: zodProblems(file, doc, lines, top.error.issues) };
  const rules: LoadedRule[] = [];
  const out: ConfigProblem[] = [];
  top.data.rules.forEach((item, i) => {
    const label = ruleLabel(item, i);
    const kind = (item as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || !(RULE_KINDS as string[]).includes(kind)) {
      const near = typeof kind === 'string' ? closest(kind, RULE_KINDS) : undefined;
      const pos = positionOf(doc, lines, ['rules', i, 'kind']);
      const what = typeof kind === 'string' ? `unknown kind "${kind}"` : 'missing `kind:`';
      out.push({
        file,
        ...pos,
        key: label,
        message: `${what}${near ? `; did you mean "${near}"?` : `; one of ${RULE_KINDS.join(', ')}`}`,
      });
      return;
    }
    const schema = RULE_SCHEMAS[kind as keyof typeof RULE_SCHEMAS] as z.ZodType;
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((iss) => ({ ...iss, path: ['rules', i, ...iss.path] }));
      const at = (path: PropertyKey[]) =>
        positionOf(
          doc,
          lines,
          path.filter((k) => typeof k !== 'symbol'),
        );
      out.push(...withHints(zodProblems(file, doc, lines, issues), kind, label, issues, item, at));
      return;
    }
    const spec = parsed.data as RuleSpec;
    const extra = crossChecks(spec);
    for (const e of extra) {
      out.push({ file, ...positionOf(doc, lines, ['rules', i, ...e.path]), key: label, message: e.message });
    }
    if (extra.length === 0) rules.push({ spec, file, ...positionOf(doc, lines, ['rules', i]) });
  });
  return { rules, problems: out };
}

/** Loads every rule file under `paths`; problems from all files, plus names used twice. */
export function loadRules(paths: readonly string[]): LoadResult {
  const { files, problems } = ruleFiles(paths);
  const rules: LoadedRule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      problems.push({
        file,
        line: 0,
        col: 0,
        key: '',
        message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
      continue;
    }
    const r = loadRuleText(file, text);
    rules.push(...r.rules);
    problems.push(...r.problems);
  }
  const seen = new Map<string, LoadedRule>();
  for (const r of rules) {
    const first = seen.get(r.spec.name);
    if (first) {
      problems.push({
        file: r.file,
        line: r.line,
        col: r.col,
        key: `rule "${r.spec.name}"`,
        message: `name already used at ${first.file}:${first.line}; names key alert state and must be unique`,
      });
    } else seen.set(r.spec.name, r);
  }
  return { rules, problems, files };
}
