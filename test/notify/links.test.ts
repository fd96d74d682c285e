/**
 * The links in a real page: the Graphite PNG URL, fetched from the real graphite-web fed over
 * carbon, draws the breaching series; the Grafana URL names the right dashboard, variables
 * and range. With LOOKOUT_WRITE_EXAMPLES=1 the page is saved to docs/examples/page.json.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createNotifier } from '../../alerter/notify';
import { notifyConfigSchema } from '../../alerter/notify/config';
import { DASHBOARDS, seriesPath, DEFAULT_SCHEME } from '../../dashboards/catalog';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { waitFor } from '../support/docker';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin } from '../support/pagerduty-standin';
import { firing, makeAlert } from './fixtures';

const GRAPHITE = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};

function writeCarbon(lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines.join('\n') + '\n'));
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

test('a page links to a PNG of the breaching series and to the container dashboard at the breach', async () => {
  const host = `lnk${process.pid}x${Date.now().toString(36)}`;
  const container = 'web-1';
  const now = Date.now();
  const nowS = Math.floor(now / 1000);
  const metricPath = seriesPath(DEFAULT_SCHEME, host, container, 'cpu.percent');
  await writeCarbon(
    Array.from({ length: 120 }, (_, i) => `${metricPath} ${i < 90 ? 20 + (i % 7) : 97} ${nowS - 120 + i}`),
  );
  await waitFor('the series in graphite-web', async () => {
    const r = await fetch(`${GRAPHITE}/render?target=${metricPath}&from=-5min&format=json`);
    const j = (await r.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
    return j[0]?.datapoints.some(([v]) => v === 97);
  });

  const cert = makeLoopbackCert();
  const pd = await startPagerDutyStandin(cert);
  process.env.T_LINKS_PD_KEY = 'links-routing-key';
  const clock = new ManualClock(now);
  const store = StateStore.open(':memory:');
  const n = createNotifier({
    store,
    logger: silentLogger(),
    clock,
    config: notifyConfigSchema.parse({
      receivers: [
        {
          name: 'pd',
          type: 'pagerduty',
          routing_key: { env: 'T_LINKS_PD_KEY' },
          events_host: pd.server,
          ca_file: cert.certFile,
        },
      ],
      group: { wait: '0s' },
      api: { enabled: false },
      links: {
        grafana_url: 'http://127.0.0.1:3000',
        kibana_url: 'http://127.0.0.1:5601',
        graphite_url: GRAPHITE,
        alerter_url: 'http://127.0.0.1:9465',
        runbook_base: 'https://runbooks.example.org',
      },
    }),
  });
  try {
    const firedAt = (nowS - 30) * 1000;
    const alert = makeAlert({
      key: `links-${host}`,
      labels: { host, container, service: 'web' },
      firedAt,
      activeAt: firedAt - 60_000,
      value: 97,
      runbook: 'cpu-high.md',
    });
    await n.handle([firing(alert, firedAt)]);
    await n.tick();
    expect(pd.accepted).toHaveLength(1);
    const page = pd.accepted[0]!.body;

    const png = await fetch(page.images[0].src);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    // The same URL as data: the breaching series, with the breach in it.
    const data = (await (
      await fetch(page.images[0].src.replace('format=png', 'format=json'))
    ).json()) as Array<{ target: string; datapoints: Array<[number | null, number]> }>;
    expect(data.find((s) => s.target === 'cpu.percent')?.datapoints.some(([v]) => v === 97)).toBe(true);

    const links = Object.fromEntries(
      (page.links as Array<{ text: string; href: string }>).map((l) => [l.text, new URL(l.href)]),
    );
    const dash = links.Dashboard!;
    expect(dash.pathname).toBe(`/d/${DASHBOARDS.container.uid}`);
    expect(dash.searchParams.get('var-host')).toBe(host);
    expect(dash.searchParams.get('var-container')).toBe(container);
    expect(Number(dash.searchParams.get('from'))).toBe(firedAt - 30 * 60_000);
    expect(Number(dash.searchParams.get('to'))).toBe(firedAt + 15 * 60_000);
    expect(links.Runbook!.href).toBe('https://runbooks.example.org/cpu-high.md');
    const logs = decodeURIComponent(links.Logs!.hash);
    expect(logs).toContain(`container.name:"${container}"`);
    expect(logs).toContain(new Date(firedAt - 30 * 60_000).toISOString());
    expect(links['Why this page']!.pathname).toBe(`/alerts/${alert.key}`);

    if (process.env.LOOKOUT_WRITE_EXAMPLES === '1') {
      const out = path.join(__dirname, '../../docs/examples/page.json');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(
        out,
        `${JSON.stringify({ path: pd.accepted[0]!.path, body: { ...page, routing_key: '<routing key>' } }, null, 2)}\n`,
      );
    }
  } finally {
    await n.stop();
    store.close();
    await pd.close();
  }
});
