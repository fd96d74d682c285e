import YAML, { isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { ConfigProblem } from '../errors';

/*
 * What the `yaml` package finds wrong with a text, turned into problems that name the key.
 * Its own messages ("Map keys must be unique") say what but not where in the tree, and two
 * faults (an alias whose anchor is not set, an alias bomb) only surface as a thrown error with
 * no position when the document is converted; both are checked here before conversion.
 */

/** Dotted path of the deepest key whose node spans `offset`, e.g. `rules[0].above`. */
export function keyPathAt(doc: Document.Parsed, offset: number): string {
  let node: unknown = doc.contents;
  let out = '';
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && spans(p.key, offset, p.value));
      if (!pair) return out;
      const name = keyName(pair.key);
      out = out ? `${out}.${name}` : name;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => spans(item, offset));
      if (index < 0) return out;
      out = `${out}[${index}]`;
      node = node.items[index];
    } else {
      return out;
    }
  }
}

function keyName(key: unknown): string {
  if (!isScalar(key)) return '?';
  // A merge key's value is a symbol; it is written `<<`.
  return typeof key.value === 'symbol' ? '<<' : String(key.value);
}

function spans(first: unknown, offset: number, last: unknown = first): boolean {
  const start = (first as { range?: [number, number, number] } | null)?.range?.[0];
  const lastRange = (last as { range?: [number, number, number] } | null)?.range;
  const end = lastRange?.[2] ?? (first as { range?: [number, number, number] }).range?.[2];
  return start !== undefined && end !== undefined && offset >= start && offset < end;
}

/** The parser's errors and warnings, each with the key it sits under. */
export function parserProblems(file: string, doc: Document.Parsed, lines: LineCounter): ConfigProblem[] {
  return [...doc.errors, ...doc.warnings].map((e) => {
    const pos = lines.linePos(e.pos[0]);
    const message = e.message.split('\n')[0] ?? e.message;
    // A syntax error leaves the tree around it unreliable, so only a duplicate key is named by
    // its path; the others are about the text at line:col.
    if (e.code !== 'DUPLICATE_KEY') return { file, line: pos.line, col: pos.col, key: '', message };
    const key = keyPathAt(doc, e.pos[0]);
    return { file, line: pos.line, col: pos.col, key, message: 'set twice in the same mapping' };
  });
}

/** Aliases (`*name`) with no anchor (`&name`) before them. */
export function unresolvedAliases(file: string, doc: Document.Parsed, lines: LineCounter): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  YAML.visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc)) return;
      const at = node.range?.[0] ?? 0;
      out.push({
        file,
        ...lines.linePos(at),
        key: keyPathAt(doc, at),
        message: `alias *${node.source} has no anchor &${node.source} set before it`,
      });
    },
  });
  return out;
}

/** The plain value, or the one conversion fault left (too many aliases: an alias bomb). */
export function plainValue(
  file: string,
  doc: Document.Parsed,
): { value: unknown; problems: ConfigProblem[] } {
  try {
    return { value: doc.toJS(), problems: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { value: undefined, problems: [{ file, line: 1, col: 1, key: '', message }] };
  }
}
