/**
 * Where the Elasticsearch shipping tests read back from: the stand-in (test double) by default,
 * or a real cluster when ELASTICSEARCH_URL is set (e.g. `ELASTICSEARCH_URL=http://localhost:9200
 * npx jest test/shipping/elasticsearch`); then fault injection (429s, stop/start) is not
 * available and those cases are left out. Each test uses its own index names, so a real
 * cluster may be shared and reused.
 */
import { ElasticsearchStandin } from './elasticsearch-standin';

type Json = Record<string, any>;
export interface EsTarget {
  url: string;
  /** Present only with the stand-in: fault injection and outages. */
  standin?: ElasticsearchStandin;
  count(index: string): Promise<number>;
  ids(index: string): Promise<Set<string>>;
  search(index: string, query: unknown): Promise<Array<{ _id: string; _source: Json }>>;
  close(): Promise<void>;
}

export const REAL_ES = process.env.ELASTICSEARCH_URL;

export async function esTarget(): Promise<EsTarget> {
  if (!REAL_ES) {
    const s = new ElasticsearchStandin();
    await s.start();
    return {
      url: s.url,
      standin: s,
      count: (i) => Promise.resolve(s.count(i)),
      ids: (i) => Promise.resolve(s.ids(i)),
      search: async (index, query) => {
        const res = await fetch(`${s.url}/${index}/_search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, size: 10_000 }),
        });
        return ((await res.json()) as { hits: { hits: Array<{ _id: string; _source: Json }> } }).hits.hits;
      },
      close: () => s.stop(),
    };
  }
  const url = REAL_ES.replace(/\/$/, '');
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return (await res.json()) as Json;
  };
  const search = async (index: string, query: unknown) => {
    await call(`/${index}/_refresh?ignore_unavailable=true`, {});
    const r = await call(`/${index}/_search?ignore_unavailable=true`, { query, size: 10_000 });
    return ((r.hits as Json | undefined)?.hits ?? []) as Array<{ _id: string; _source: Json }>;
  };
  return {
    url,
    count: async (index) => {
      await call(`/${index}/_refresh?ignore_unavailable=true`, {});
      return (
        ((await call(`/${index}/_count?ignore_unavailable=true`, { query: { match_all: {} } }))
          .count as number) ?? 0
      );
    },
    ids: async (index) => new Set((await search(index, { match_all: {} })).map((h) => h._id)),
    search,
    close: () => Promise.resolve(),
  };
}
