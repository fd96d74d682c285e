import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { ConfigProblem } from '../errors';
import { parserProblems, plainValue, unresolvedAliases } from './yaml-problems';

/**
 * YAML text validated by a zod schema, with every problem mapped back to file:line:col.
 * Shared by the config file and the rule files: both promise "every error at once, located".
 */
export interface Located<T> {
  value?: T;
  problems: ConfigProblem[];
  doc: Document.Parsed;
  lines: LineCounter;
}

export type PathKey = string | number;

export function parseYamlFile(
  file: string,
  text: string,
): { doc: Document.Parsed; lines: LineCounter; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  // merge: true accepts `<<: *defaults`, the YAML 1.1 idiom compose files taught everyone.
  const doc = YAML.parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const parsed = parserProblems(file, doc, lines);
  const problems = parsed.length > 0 ? parsed : unresolvedAliases(file, doc, lines);
  return { doc, lines, problems };
}

/** The node at `path`, and for a key that should not be there, the key itself. */
export function nodeAt(doc: Document.Parsed, path: readonly PathKey[], keyOf?: string): Node | undefined {
  let node: unknown = doc.contents;
  let last: Node | undefined = (doc.contents as Node | null) ?? undefined;
  const segs = keyOf === undefined ? path : [...path, keyOf];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) return last;
      const isLast = i === segs.length - 1;
      if (isLast && keyOf !== undefined) return pair.key as Node;
      node = pair.value;
      last = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (!node) return last;
      last = node as Node;
    } else {
      return last;
    }
  }
  return last;
}

export function positionOf(
  doc: Document.Parsed,
  lines: LineCounter,
  path: readonly PathKey[],
  keyOf?: string,
): { line: number; col: number } {
  const node = nodeAt(doc, path, keyOf);
  if (!node?.range) return { line: 1, col: 1 };
  return lines.linePos(node.range[0]);
}

export function dotted(path: readonly PathKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Turns zod issues into located problems; unknown keys point at the key itself. */
export function zodProblems(
  file: string,
  doc: Document.Parsed,
  lines: LineCounter,
  issues: z.core.$ZodIssue[],
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathKey => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        out.push({
          file,
          ...positionOf(doc, lines, path, k),
          key: dotted([...path, k]),
          message: `unknown key "${k}"`,
        });
      }
      continue;
    }
    out.push({ file, ...positionOf(doc, lines, path), key: dotted(path), message: issue.message });
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Parses and validates one YAML text; `overlay` may change the plain value before validation (env overrides). */
export function validateYaml<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  overlay?: (value: unknown) => unknown,
): Located<z.output<S>> {
  const { doc, lines, problems } = parseYamlFile(file, text);
  if (problems.length > 0) return { problems, doc, lines };
  const plain = plainValue(file, doc);
  if (plain.problems.length > 0) return { problems: plain.problems, doc, lines };
  let value: unknown = plain.value ?? {};
  if (overlay) value = overlay(value);
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { problems: zodProblems(file, doc, lines, parsed.error.issues), doc, lines };
  return { value: parsed.data, problems: [], doc, lines };
}
