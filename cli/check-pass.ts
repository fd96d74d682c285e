import fs from 'node:fs';
import YAML from 'yaml';
import { closest } from '../alerter/rules/hint';
import { loadRules } from '../alerter/rules/load';
import type { ConfigProblem } from '../core/errors';
import { parseYamlFile, positionOf, type PathKey } from '../core/config/located';

/**
 * What `lookout check` adds when the config does not validate (issue 14): zod skips a section's
 * cross-field checks (receiver references) once a field in it failed, and the rule folders are
 * only known from a valid config, so a user fixed one layer per run. These read the raw YAML
 * leniently so every layer is reported in one pass.
 */

/** `alerter.rules` as written, when it is a list of strings. */
export function rawRulePaths(text: string): string[] | undefined {
  const raw = safeParse(text) as { alerter?: { rules?: unknown } } | undefined;
  const rules = raw?.alerter?.rules;
  return Array.isArray(rules) && rules.every((r) => typeof r === 'string') ? rules : undefined;
}

/** Routes that name a receiver the config does not define, with the nearest defined name. */
export function receiverReferenceProblems(file: string, text: string): ConfigProblem[] {
  const raw = safeParse(text) as { notify?: { receivers?: unknown; route?: unknown } } | undefined;
  const receivers = Array.isArray(raw?.notify?.receivers) ? (raw.notify.receivers as unknown[]) : [];
  const names = receivers
    .map((r) => (r as { name?: unknown } | null)?.name)
    .filter((n): n is string => typeof n === 'string');
  const { doc, lines } = parseYamlFile(file, text);
  const out: ConfigProblem[] = [];
  const walk = (route: unknown, path: PathKey[]): void => {
    if (typeof route !== 'object' || route === null) return;
    const r = route as { receiver?: unknown; routes?: unknown };
    if (
      typeof r.receiver === 'string' &&
      !names.includes(r.receiver) &&
      !(names.length === 0 && r.receiver === 'console')
    ) {
      const near = closest(r.receiver, names);
      out.push({
        file,
        ...positionOf(doc, lines, [...path, 'receiver']),
        key: [...path, 'receiver']
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '['),
        message: `no receiver named "${r.receiver}"${near ? `; did you mean "${near}"?` : ` (known: ${names.join(', ') || 'none'})`}`,
      });
    }
    if (Array.isArray(r.routes)) r.routes.forEach((c, i) => walk(c, [...path, 'routes', i]));
  };
  walk(raw?.notify?.route, ['notify', 'route']);
  return out;
}

/** Adds "did you mean" to unknown-key problems, from the keys the schema allows at that place. */
export function withKeyHints(problems: ConfigProblem[], schema: unknown): ConfigProblem[] {
  return problems.map((p) => {
    const m = /^unknown key "([^"]+)"$/.exec(p.message);
    if (!m) return p;
    const parent = p.key
      .replace(/\[\d+\]/g, '')
      .split('.')
      .slice(0, -1);
    const near = closest(m[1]!, keysAt(schema, parent));
    return near ? { ...p, message: `${p.message}; did you mean "${near}"?` } : p;
  });
}

interface SchemaLike {
  shape?: Record<string, unknown>;
  def?: { innerType?: unknown; element?: unknown; getter?: () => unknown; options?: unknown[] };
}

/** The object keys a zod schema allows at a dotted path (through defaults, optionals, arrays, lazies). */
function keysAt(schema: unknown, path: readonly string[]): string[] {
  let s = unwrap(schema);
  for (const seg of path) s = unwrap(s?.shape?.[seg]);
  return Object.keys(s?.shape ?? {});
}

function unwrap(schema: unknown): SchemaLike | undefined {
  let s = schema as SchemaLike | undefined;
  for (let i = 0; i < 10 && s && !s.shape; i++) {
    const d = s.def;
    s = (d?.innerType ?? d?.element ?? d?.getter?.()) as SchemaLike | undefined;
  }
  return s;
}

function safeParse(text: string): unknown {
  try {
    return YAML.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Every problem of a config that did not validate, in one list: zod's (unknown keys with a
 * hint), plus the receiver references zod did not get to; and the rule folders it names.
 */
export function configPass(
  problems: readonly ConfigProblem[],
  file: string | undefined,
  schema: unknown,
): { problems: ConfigProblem[]; rulePaths?: string[] } {
  let text = '';
  try {
    text = file ? fs.readFileSync(file, 'utf8') : '';
  } catch {
    // The load already reported that it cannot read the file.
  }
  const refs = file ? receiverReferenceProblems(file, text) : [];
  const at = (p: ConfigProblem): string => `${p.file}:${p.line}:${p.col}`;
  const mine = new Set(refs.map(at));
  const kept = withKeyHints([...problems], schema).filter(
    (p) => !(mine.has(at(p)) && p.message.startsWith('no receiver named')),
  );
  const all = [...kept, ...refs].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col,
  );
  return { problems: all, rulePaths: rawRulePaths(text) };
}

/** Graphite-target rules with no graphite-web to ask: they would never evaluate. */
export function graphiteRulesWithoutUrl(rulePaths: readonly string[]): ConfigProblem[] {
  return loadRules(rulePaths)
    .rules.filter((r) => r.spec.kind === 'graphite')
    .map((r) => ({
      file: r.file,
      line: r.line,
      col: r.col,
      key: `rule "${r.spec.name}"`,
      message: 'a graphite rule needs alerter.graphite.url (graphite-web) in the config',
    }));
}
