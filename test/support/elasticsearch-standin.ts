/**
 * TEST DOUBLE — NOT ELASTICSEARCH. A loopback HTTP server speaking just enough of the
 * Elasticsearch 8.x REST API for lookout's shipping tests, because no Elasticsearch can be
 * installed on the CI machines (see /work/shared/SERVICES.md). It answers:
 *   GET /                               cluster info, with the `X-Elastic-Product` header the client checks
 *   POST /_bulk, /{index}/_bulk         NDJSON in, per-item results out; `create` dedups by _id (409)
 *   PUT|GET /_index_template/{name}     stored as given; one with `data_stream` makes writes to a
 *                                       matching name a data stream (elasticsearch-standin-datastream.ts)
 *   GET|POST /{index}/_search, _count   match_all, ids, term on a field; index may end in `*`
 *   POST /{index}/_refresh              no-op (documents are visible at once)
 * Faults on demand: a whole request answered 429, items answered 429 or 5xx by a predicate,
 * 400 items for documents whose field types clash with the first type seen for that field
 * (as a real mapping would), and stop()/start() on the same port for outages.
 * Every answer is fabricated by this file; compare with a real cluster via ELASTICSEARCH_URL.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DataStreams, filterPath } from './elasticsearch-standin-datastream';
import { DynamicMapping } from './elasticsearch-standin-mapping';
import { matches, matchQuery } from './elasticsearch-standin-query';

type Json = Record<string, any>;
type Doc = Record<string, unknown>;

export interface StandinStats {
  bulkRequests: number;
  itemsReceived: number;
  created: number;
  conflicts: number;
  rejected429: number;
  rejected400: number;
}

export class ElasticsearchStandin {
  readonly indices = new Map<string, Map<string, Doc>>();
  readonly templates = new Map<string, unknown>();
  /** Data streams made by writes that a `data_stream` template matches; `rollover(name)` for tests. */
  readonly dataStreams = new DataStreams(this.templates, (name) => this.indices.has(name));
  readonly stats: StandinStats = {
    bulkRequests: 0,
    itemsReceived: 0,
    created: 0,
    conflicts: 0,
    rejected429: 0,
    rejected400: 0,
  };
  /** Answer the next N bulk requests with a whole-request 429. */
  reject429Requests = 0;
  /** Per item: return a status (429, 503) to refuse that item this time, undefined to process it. */
  itemFault: ((doc: Doc, id: string, index: string) => number | undefined) | undefined;
  /** Refuse template installs with 403 (a user without manage_index_templates). */
  forbidTemplates = false;
  /** Keep each document's source (false: ids only, for tests that index hundreds of thousands). */
  keepSource = true;
  private readonly mapping = new DynamicMapping();
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  get running(): boolean {
    return this.server !== undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every open connection (an outage). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  }

  /** Whether `expr` (a name, a `*` pattern, a data stream) covers the index `name`. */
  private covers(expr: string, name: string): boolean {
    return matches(expr, name) || this.dataStreams.expand(expr).includes(name);
  }

  count(index: string): number {
    let n = 0;
    for (const [name, docs] of this.indices) if (this.covers(index, name)) n += docs.size;
    return n;
  }

  ids(index: string): Set<string> {
    const out = new Set<string>();
    for (const [name, docs] of this.indices)
      if (this.covers(index, name)) for (const id of docs.keys()) out.add(id);
    return out;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const send = (status: number, obj: unknown) => {
      const text = JSON.stringify(obj);
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    try {
      if (parts.length === 0) return send(200, info());
      if (parts.at(-1) === '_bulk' && req.method === 'POST')
        return this.bulk(body, parts.length > 1 ? parts[0] : undefined, (status, answer) =>
          send(status, status === 200 ? filterPath(answer, url.searchParams.get('filter_path')) : answer),
        );
      if (parts[0] === '_index_template' && parts[1]) {
        if (req.method === 'PUT') {
          if (this.forbidTemplates)
            return send(
              403,
              error(403, 'security_exception', 'action [indices:admin/index_template/put] is unauthorized'),
            );
          this.templates.set(parts[1], JSON.parse(body));
          return send(200, { acknowledged: true });
        }
        const t = this.templates.get(parts[1]);
        return t
          ? send(200, { index_templates: [{ name: parts[1], index_template: t }] })
          : send(
              404,
              error(404, 'resource_not_found_exception', `index template matching [${parts[1]}] not found`),
            );
      }
      if (parts[1] === '_refresh') return send(200, { _shards: { total: 1, successful: 1, failed: 0 } });
      if (parts[1] === '_count' || parts[1] === '_search') {
        const q = body ? (JSON.parse(body) as { query?: Json; size?: number }) : {};
        const hits = this.query(parts[0]!, q.query);
        if (parts[1] === '_count')
          return send(200, {
            count: hits.length,
            _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
          });
        const size = q.size ?? Number(url.searchParams.get('size') ?? 10);
        return send(200, {
          took: 1,
          timed_out: false,
          hits: {
            total: { value: hits.length, relation: 'eq' },
            max_score: 1,
            hits: hits.slice(0, size).map((h) => ({ _index: h.index, _id: h.id, _score: 1, _source: h.doc })),
          },
        });
      }
      return send(
        404,
        error(
          404,
          'illegal_argument_exception',
          `the stand-in does not implement ${req.method} ${url.pathname}`,
        ),
      );
    } catch (err) {
      return send(400, error(400, 'parse_exception', (err as Error).message));
    }
  }

  private bulk(body: string, defaultIndex: string | undefined, send: (s: number, o: unknown) => void): void {
    this.stats.bulkRequests++;
    if (this.reject429Requests > 0) {
      this.reject429Requests--;
      return send(
        429,
        error(429, 'es_rejected_execution_exception', 'rejected execution (stand-in: whole request)'),
      );
    }
    const lines = body.split('\n');
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '') continue;
      const action = JSON.parse(line) as Record<string, { _index?: string; _id?: string }>;
      const op = Object.keys(action)[0]!;
      const meta = action[op]!;
      const doc = JSON.parse(lines[++i] ?? '{}') as Doc;
      const index = meta._index ?? defaultIndex ?? '';
      const id = meta._id ?? `auto-${this.stats.itemsReceived}`;
      this.stats.itemsReceived++;
      const r = this.item(op, index, id, doc);
      if ((r.status as number) >= 300) errors = true;
      items.push({ [op]: r });
    }
    send(200, { took: 1, errors, items });
  }

  private item(op: string, name: string, id: string, doc: Doc): Record<string, unknown> {
    const routed = this.dataStreams.route(op, name, doc);
    const index = 'index' in routed ? routed.index : name;
    const base = { _index: index, _id: id };
    const fault = this.itemFault?.(doc, id, index);
    if (fault !== undefined) {
      if (fault === 429) this.stats.rejected429++;
      return {
        ...base,
        status: fault,
        error: {
          type: fault === 429 ? 'es_rejected_execution_exception' : 'unavailable_shards_exception',
          reason: 'stand-in fault on demand',
        },
      };
    }
    if ('error' in routed) {
      this.stats.rejected400++;
      return { ...base, status: routed.status, error: routed.error };
    }
    let docs = this.indices.get(index);
    if (!docs) this.indices.set(index, (docs = new Map<string, Doc>()));
    if (op === 'create' && docs.has(id)) {
      this.stats.conflicts++;
      return {
        ...base,
        status: 409,
        error: {
          type: 'version_conflict_engine_exception',
          reason: `[${id}]: version conflict, document already exists (current version [1])`,
        },
      };
    }
    const clash = this.mapping.clash(index, doc);
    if (clash) {
      this.stats.rejected400++;
      return { ...base, status: 400, error: { type: 'document_parsing_exception', reason: clash } };
    }
    this.mapping.learn(index, doc);
    docs.set(id, this.keepSource ? doc : {});
    this.stats.created++;
    return { ...base, _version: 1, result: 'created', status: 201, _seq_no: docs.size - 1, _primary_term: 1 };
  }

  private query(indexExpr: string, q: Json | undefined): Array<{ index: string; id: string; doc: Doc }> {
    const out: Array<{ index: string; id: string; doc: Doc }> = [];
    for (const [index, docs] of this.indices) {
      if (!indexExpr.split(',').some((e) => this.covers(e, index))) continue;
      for (const [id, doc] of docs) if (matchQuery(q, id, doc)) out.push({ index, id, doc });
    }
    return out;
  }
}

function info(): unknown {
  return {
    name: 'standin',
    cluster_name: 'lookout-test-double',
    cluster_uuid: 'standin-not-a-real-cluster',
    version: {
      number: '8.19.0',
      build_flavor: 'default',
      build_type: 'tar',
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

function error(status: number, type: string, reason: string): unknown {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}
