/**
 * TEST DOUBLE — the data-stream rules of the Elasticsearch stand-in (elasticsearch-standin.ts),
 * as the Elasticsearch reference states them (facts, in our own words):
 * - A data stream is created on the first write to a name only when the highest-priority
 *   index template matching the name has `data_stream` set; otherwise the write makes (or goes
 *   to) an ordinary index.
 *   https://www.elastic.co/guide/en/elasticsearch/reference/8.19/set-up-a-data-stream.html
 * - Writes to a data stream must be `create` operations; an `index` item is refused on its own
 *   (400, illegal_argument_exception "only write ops with an op_type of create are allowed in
 *   data streams"), the other items of the request proceed.
 *   https://www.elastic.co/guide/en/elasticsearch/reference/8.19/use-a-data-stream.html
 *   https://www.elastic.co/guide/en/elasticsearch/reference/8.19/docs-bulk.html
 * - Every document needs the `@timestamp` field (400 otherwise).
 *   https://www.elastic.co/guide/en/elasticsearch/reference/8.19/data-streams.html
 * - Documents live in backing indices `.ds-<stream>-<yyyy.MM.dd>-<generation>`; a write goes
 *   to the current (write) one, so `_id` uniqueness holds per backing index: after a rollover
 *   the same `_id` is a second document.
 *   https://www.elastic.co/guide/en/elasticsearch/reference/8.19/data-streams.html#data-streams-generation
 * Every answer is fabricated; compare with a real cluster via ELASTICSEARCH_URL.
 */
import { matches } from './elasticsearch-standin-query';

type Doc = Record<string, unknown>;
interface Template {
  index_patterns?: string[];
  priority?: number;
  data_stream?: object;
}

export type Routed = { index: string } | { status: number; error: { type: string; reason: string } };

export class DataStreams {
  /** Data stream name → its backing indices, oldest first (the last is the write index). */
  readonly streams = new Map<string, string[]>();

  constructor(
    private readonly templates: Map<string, unknown>,
    private readonly indexExists: (name: string) => boolean,
  ) {}

  /** Where a bulk item goes: the index itself, the stream's write index, or the item's error. */
  route(op: string, name: string, doc: Doc): Routed {
    if (!this.streams.has(name)) {
      if (this.indexExists(name) || !this.templateFor(name)?.data_stream) return { index: name };
    }
    if (op !== 'create')
      return error(
        400,
        'illegal_argument_exception',
        'only write ops with an op_type of create are allowed in data streams',
      );
    if (doc['@timestamp'] === undefined)
      return error(400, 'document_parsing_exception', 'data stream timestamp field [@timestamp] is missing');
    if (!this.streams.has(name)) this.streams.set(name, [backing(name, 1)]);
    return { index: this.streams.get(name)!.at(-1)! };
  }

  /** A new write index, as the rollover API (or ILM) makes one. */
  rollover(name: string): string {
    const list = this.streams.get(name);
    if (!list) throw new Error(`no data stream ${name}`);
    list.push(backing(name, list.length + 1));
    return list.at(-1)!;
  }

  /** The indices a search on `expr` covers: a stream's name means its backing indices. */
  expand(expr: string): string[] {
    return [...this.streams]
      .filter(([name]) => expr.split(',').some((e) => matches(e, name)))
      .flatMap(([, b]) => b);
  }

  private templateFor(name: string): Template | undefined {
    const found = [...this.templates.values()]
      .map((t) => t as Template)
      .filter((t) => (t.index_patterns ?? []).some((p) => matches(p, name)))
      .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0));
    return found[0];
  }
}

function backing(name: string, generation: number): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '.');
  return `.ds-${name}-${day}-${String(generation).padStart(6, '0')}`;
}

function error(status: number, type: string, reason: string): Routed {
  return { status, error: { type, reason } };
}

/**
 * `filter_path`: only the listed paths of an answer are kept; `*` matches one level, a
 * leading `-` would exclude (not needed by lookout, refused). From the reference's common options:
 * https://www.elastic.co/guide/en/elasticsearch/reference/8.19/common-options.html#common-options-response-filtering
 */
export function filterPath(obj: unknown, spec: string | null): unknown {
  if (!spec) return obj;
  const paths = spec.split(',').map((p) => p.trim().split('.'));
  if (paths.some((p) => p[0]!.startsWith('-')))
    throw new Error('the stand-in does not implement exclusive filter_path');
  return pick(obj, paths) ?? {};
}

function pick(obj: unknown, paths: string[][]): unknown {
  if (paths.some((p) => p.length === 0)) return obj;
  if (Array.isArray(obj)) {
    const kept = obj.map((x) => pick(x, paths)).filter((x) => x !== undefined);
    return kept.length ? kept : undefined;
  }
  if (typeof obj !== 'object' || obj === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const rest = paths.filter((p) => p[0] === '*' || p[0] === k).map((p) => p.slice(1));
    if (rest.length === 0) continue;
    const x = pick(v, rest);
    if (x !== undefined) out[k] = x;
  }
  return Object.keys(out).length ? out : undefined;
}
