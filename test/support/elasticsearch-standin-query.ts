/**
 * Part of the Elasticsearch TEST DOUBLE (elasticsearch-standin.ts): the little of the query DSL
 * the tests use (match_all, ids, term), and index expressions (`a,b`, `prefix*`, `_all`).
 */

type Json = Record<string, any>;
type Doc = Record<string, unknown>;

export function matches(expr: string, index: string): boolean {
  if (expr === '_all' || expr === '*') return true;
  if (expr.endsWith('*')) return index.startsWith(expr.slice(0, -1));
  return expr === index;
}

function getPath(doc: Doc, path: string): unknown {
  if (path in doc) return doc[path];
  let cur: unknown = doc;
  for (const p of path.split('.')) cur = (cur as Doc | undefined)?.[p];
  return cur;
}

export function matchQuery(q: Json | undefined, id: string, doc: Doc): boolean {
  if (!q || q.match_all) return true;
  if (q.ids) return (q.ids.values as string[]).includes(id);
  if (q.term) {
    const [field, cond] = Object.entries(q.term as Record<string, unknown>)[0]!;
    const want = typeof cond === 'object' && cond !== null ? (cond as { value: unknown }).value : cond;
    return field === '_id' ? id === want : getPath(doc, field) === want;
  }
  throw new Error(`the stand-in does not implement the query ${JSON.stringify(q)}`);
}
