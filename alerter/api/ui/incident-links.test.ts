/**
 * The incident page's Grafana and Kibana links, read from the served HTML as a browser would
 * follow them: the exact host, container (or service) and the alert's time window.
 */
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { StateStore } from '../../../core/store/store';
import { makeAlert, firing, T0 } from '../../../test/notify/fixtures';
import { linksConfigSchema } from '../../links';
import { notifyConfigSchema } from '../../notify/config';
import { ingest } from '../../notify/ingest';
import { startAlerterApi, type AlerterApi } from '../server';

let api: AlerterApi;
let store: StateStore;
const container = makeAlert({ key: 'c-1', labels: { host: 'db-7', container: 'pg-main', service: 'pg' } });
const pool = makeAlert({ key: 's-1', rule: 'service_pool_hot', labels: { service: 'shop' } });

beforeAll(async () => {
  store = StateStore.open(':memory:');
  const links = linksConfigSchema.parse({
    grafana_url: 'https://grafana.example.net',
    kibana_url: 'https://kibana.example.net',
  });
  api = await startAlerterApi({
    store,
    clock: new ManualClock(T0 + 120_000),
    logger: silentLogger(),
    config: notifyConfigSchema.parse({ api: { listen: '127.0.0.1:0' } }).api,
    links,
  });
  ingest(store, [firing(container), firing(pool)], T0, { max_changes: 10, window: 3_600_000 });
});
afterAll(async () => {
  await api.close();
  store.close();
});

async function linksOf(key: string): Promise<Record<string, string>> {
  const html = await (await fetch(`http://127.0.0.1:${api.address().port}/alerts/${key}`)).text();
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g))
    out[m[2]!] = m[1]!
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"');
  return out;
}

const kibanaQuery = (href: string) => {
  const hash = decodeURIComponent(new URL(href).hash);
  return {
    time: /time:\(from:'([^']+)',to:'([^']+)'\)/.exec(hash)!.slice(1),
    query: /query:'((?:[^'!]|!.)*)'\)/.exec(hash)![1],
  };
};
const window = [new Date(T0 - 30 * 60_000).toISOString(), new Date(T0 + 15 * 60_000).toISOString()];

test("a container alert's page links to its container's dashboard and logs over the alert window", async () => {
  const links = await linksOf('c-1');
  const grafana = new URL(links['Dashboard (Grafana)']!);
  expect(grafana.pathname).toBe('/d/lookout-container');
  expect(Object.fromEntries(grafana.searchParams)).toMatchObject({
    'var-host': 'db-7',
    'var-container': 'pg-main',
    from: String(T0 - 30 * 60_000),
    to: String(T0 + 15 * 60_000),
  });
  expect(kibanaQuery(links['Logs (Kibana)']!)).toEqual({
    time: window,
    query: 'host.name:"db-7" and container.name:"pg-main"',
  });
});

test("a service alert's page links to the service view and the service's logs", async () => {
  const links = await linksOf('s-1');
  const grafana = new URL(links['Dashboard (Grafana)']!);
  expect(grafana.pathname).toBe('/d/lookout-service');
  expect(grafana.searchParams.get('var-service')).toBe('shop');
  expect(kibanaQuery(links['Logs (Kibana)']!)).toEqual({ time: window, query: 'service.name:"shop"' });
});
