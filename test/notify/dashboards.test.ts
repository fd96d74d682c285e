/**
 * The dashboards read what the collector writes: every panel target of the built JSON, with
 * its variables filled in, returns the series the collector's own carbon encoder (collector/
 * sinks/graphite.ts) sent to the real carbon, from the real graphite-web. And the committed
 * JSON is what `npm run dashboards` builds today.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { carbonLines } from '../../collector/sinks/graphite';
import { graphiteName } from '../../collector/sinks/names';
import type { ContainerMeta, MetricSample } from '../../core/events';
import { hostInstanceSubject, METRICS } from '../../core/metrics-catalog';
import { DASHBOARDS, DEFAULT_SCHEME, seriesPath, type DashboardDef } from '../../dashboards/catalog';
import { waitFor } from '../support/docker';

const GRAPHITE = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};

const host = `dash${process.pid}x${Date.now().toString(36)}.example.org`;
const meta: ContainerMeta = {
  id: 'c0ffee',
  name: 'shop-web-1',
  image: 'shop/web:2',
  labels: {},
  service: 'web',
};

function samples(ts: number): MetricSample[] {
  return METRICS.map((m) => ({
    kind: 'metric',
    host,
    ts,
    name: m.name,
    type: m.type,
    value: m.type === 'counter' ? 1000 + ts / 1000 : 42,
    ...(m.scope === 'container' ? { container: meta } : {}),
    ...(INSTANCE_LABELS[m.name.split('.').slice(0, 2).join('.')]
      ? { labels: INSTANCE_LABELS[m.name.split('.').slice(0, 2).join('.')] }
      : {}),
  }));
}

/** Host metrics about one mount or interface carry it as a label, as collector/sources/host writes them. */
const INSTANCE_LABELS: Record<string, Record<string, string>> = {
  'host.fs': { mount: '/var/lib/docker' },
  'host.net': { iface: 'eth0' },
};

// prettier (which the build formats with) loads its parsers by dynamic import, which jest's
// CommonJS sandbox refuses: the check runs in a plain Node process, as `npm run dashboards` would.
test('the committed dashboards, provisioning and Kibana objects are up to date', () => {
  const root = path.join(__dirname, '../..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'dashboards/build.ts', '--check'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test.each(METRICS.filter((m) => m.scope !== 'probe').map((m) => [m.name, m.scope]))(
  'catalog path of %s (%s) is the path the sinks write',
  (name, scope) => {
    const s = samples(0).find((x) => x.name === name)!;
    const container =
      scope === 'container' ? meta.name : (hostInstanceSubject(s.labels) ?? DEFAULT_SCHEME.hostSegment);
    expect(seriesPath(DEFAULT_SCHEME, host, container, name)).toBe(graphiteName(s, 'lookout', false));
    const viaStatsd = seriesPath({ ...DEFAULT_SCHEME, via: 'statsd' }, host, container, name);
    const base = graphiteName(s, 'lookout', false);
    expect(viaStatsd).toBe(s.type === 'counter' ? `stats.counters.${base}.rate` : `stats.gauges.${base}`);
  },
);

test('every panel of every built dashboard draws a series the collector wrote to the real Graphite', async () => {
  const now = Math.floor(Date.now() / 1000);
  const lines = [0, 1, 2, 3, 4]
    .map((i) => carbonLines(samples((now - 10 + i) * 1000), 'lookout', false))
    .join('');
  await new Promise<void>((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines));
    s.on('close', () => resolve());
    s.on('error', reject);
  });
  const hostSeg = host.replace(/\./g, '_');
  for (const def of Object.values(DASHBOARDS) as DashboardDef[]) {
    const built = JSON.parse(
      fs.readFileSync(path.join(__dirname, `../../dashboards/build/${def.uid}.json`), 'utf8'),
    ) as { panels: Array<{ title: string; targets: Array<{ target: string }> }> };
    expect(built.panels).toHaveLength(def.panels.length);
    for (const p of built.panels) {
      const target = p.targets[0]!.target.replace(/\$host/g, hostSeg)
        .replace(/\$container/g, meta.name)
        .replace(/\$service/g, 'web')
        .replace(/lookout\.\*\./g, `lookout.${hostSeg}.`);
      await waitFor(`${def.uid} / ${p.title}: ${target}`, async () => {
        const r = await fetch(
          `${GRAPHITE}/render?target=${encodeURIComponent(target)}&from=-10min&format=json`,
        );
        const j = (await r.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
        return j.length > 0 && j.some((s) => s.datapoints.some(([v]) => v !== null));
      });
    }
  }
});
