import { linksConfigSchema } from './config';
import { buildLinks, graphiteRenderUrl, grafanaUrl } from './index';
import { makeAlert, T0 } from '../../test/notify/fixtures';

const cfg = (extra: object = {}) =>
  linksConfigSchema.parse({
    grafana_url: 'https://g.example/',
    kibana_url: 'https://k.example',
    graphite_url: 'http://gr.example',
    ...extra,
  });

test('no base URL, no link', () => {
  expect(buildLinks(makeAlert({ runbook: undefined }), linksConfigSchema.parse({}), T0)).toEqual({});
});

test.each([
  ['neither Grafana nor Kibana', {}, '#graph', '#lines'],
  ['Grafana only', { grafana_url: 'https://g.example' }, 'https://g.example/d/', '#lines'],
])('with %s, a Dashboard or Logs link with no tool lands on the incident page', (_n, extra, dash, logs) => {
  const c = linksConfigSchema.parse({ alerter_url: 'http://127.0.0.1:9465/', ...extra });
  const l = buildLinks(makeAlert({ key: 'k/1' }), c, T0);
  const page = 'http://127.0.0.1:9465/alerts/k%2F1';
  expect(l.explain).toBe(page);
  for (const [got, want] of [
    [l.dashboard, dash],
    [l.logs, logs],
  ] as const) {
    if (want.startsWith('#')) expect(got).toBe(`${page}${want}`);
    else expect(got).toContain(want);
  }
});

test.each([
  [
    'a container alert lands on the container overview',
    { host: 'h1', container: 'web-1' },
    undefined,
    '/d/lookout-container',
    { 'var-host': 'h1', 'var-container': 'web-1' },
  ],
  [
    'a host alert lands on the host overview',
    { host: 'h1' },
    undefined,
    '/d/lookout-host',
    { 'var-host': 'h1' },
  ],
  [
    'a service alert lands on the service view',
    { service: 'web' },
    undefined,
    '/d/lookout-service',
    { 'var-service': 'web' },
  ],
  [
    'the rule may name its dashboard',
    { host: 'h1', container: 'c' },
    'lookout-host',
    '/d/lookout-host',
    { 'var-host': 'h1' },
  ],
])('%s', (_n, labels, dashboard, pathname, vars) => {
  const u = new URL(grafanaUrl(makeAlert({ labels, dashboard }), cfg(), T0)!);
  expect(u.origin + u.pathname).toBe(`https://g.example${pathname}`);
  for (const [k, v] of Object.entries(vars)) expect(u.searchParams.get(k)).toBe(v);
  expect(u.searchParams.get('from')).toBe(String(T0 - 30 * 60_000));
  expect(u.searchParams.get('to')).toBe(String(T0 + 15 * 60_000));
});

test('a resolved alert shows the range up to past the resolve', () => {
  const u = new URL(grafanaUrl(makeAlert({ resolvedAt: T0 + 3_600_000 }), cfg(), T0 + 3_600_000)!);
  expect(u.searchParams.get('to')).toBe(String(T0 + 3_600_000 + 15 * 60_000));
});

test.each([
  ['carbon', 'cpu.percent', 'lookout.h_example_org.web-1.cpu.percent'],
  ['statsd', 'cpu.percent', 'stats.gauges.lookout.h_example_org.web-1.cpu.percent'],
  ['statsd', 'net.rx_bytes', 'stats.counters.lookout.h_example_org.web-1.net.rx_bytes.rate'],
])('render URL over %s names %s as the sinks write it', (via, metric, path) => {
  const a = makeAlert({ metric, labels: { host: 'h.example.org', container: 'web-1' } });
  const u = new URL(graphiteRenderUrl(a, cfg({ graphite: { via } }), T0)!);
  expect(u.searchParams.getAll('target')[0]).toBe(`alias(${path}, '${metric}')`);
  expect(u.searchParams.get('format')).toBe('png');
});

test('a host metric reads the host segment', () => {
  const a = makeAlert({ metric: 'containers.running', labels: { host: 'h1' } });
  expect(new URL(graphiteRenderUrl(a, cfg(), T0)!).searchParams.getAll('target')[0]).toBe(
    `alias(lookout.h1._host.containers.running, 'containers.running')`,
  );
});

test('a host file system alert reads its mount segment, as the sinks write it', () => {
  const a = makeAlert({ metric: 'host.fs.used_percent', labels: { host: 'h1', mount: '/' } });
  expect(new URL(graphiteRenderUrl(a, cfg(), T0)!).searchParams.getAll('target')[0]).toBe(
    `alias(lookout.h1._fs_.host.fs.used_percent, 'host.fs.used_percent')`,
  );
});

/** The Discover link's time range and KQL query, decoded from its rison. */
function discover(url: string): { time: string; query: string } {
  const hash = decodeURIComponent(new URL(url).hash);
  const time = /time:\(from:'([^']+)',to:'([^']+)'\)/.exec(hash)!;
  const query = /query:\(language:'kuery',query:'((?:[^'!]|!.)*)'\)/.exec(hash)!;
  return { time: `${time[1]}..${time[2]}`, query: query[1]!.replace(/!(.)/g, '$1') };
}

test.each([
  [
    'a container alert',
    { host: 'h1', container: 'web-1', service: 'web' },
    'host.name:"h1" and container.name:"web-1"',
  ],
  ['a service alert (no host, no container)', { service: 'web' }, 'service.name:"web"'],
  ['a host alert', { host: 'h1' }, 'host.name:"h1"'],
  ['a value with a quote', { host: 'h"1\\' }, 'host.name:"h\\"1\\\\"'],
])('the Logs link of %s filters on exactly its labels, over the alert window', (_n, labels, query) => {
  const got = discover(buildLinks(makeAlert({ labels }), cfg(), T0).logs!);
  expect(got.query).toBe(query);
  expect(got.time).toBe(
    `${new Date(T0 - 30 * 60_000).toISOString()}..${new Date(T0 + 15 * 60_000).toISOString()}`,
  );
});
