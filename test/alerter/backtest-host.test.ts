/**
 * `lookout backtest` of host metrics on the real carbon + graphite-web: a mount or an interface
 * is its own Graphite segment (`_fs_var_lib_docker`, `_net_eth0`), and the replay restores it as
 * the `mount` or `iface` label the live alerter sees, so a rule grouped by mount judges each
 * file system apart and its summary names the mount (not a container called `_fs_...`).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { backtest } from '../../alerter/backtest/backtest';
import { newRunId, waitFor } from '../support/docker';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};
const p = newRunId('lkh');
const T0 = Math.floor(Date.now() / 1000 / 60) * 60 - 3 * 3600; // seconds, 3 h ago
const at = (s: number): number => (T0 + s) * 1000;

const carbon = (lines: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines.join('\n') + '\n'));
    s.on('close', () => resolve());
    s.on('error', reject);
  });

async function rendered(target: string): Promise<number> {
  const q = `target=${encodeURIComponent(target)}&format=json&from=${T0 - 60}&until=${T0 + 360}`;
  const res = await fetch(`${GRAPHITE_URL}/render?${q}`, { signal: AbortSignal.timeout(10_000) });
  const json = (await res.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
  return json.flatMap((s) => s.datapoints).filter((d) => d[0] !== null).length;
}

// As rules/hosts.yaml writes them: grouped by mount (and by interface), the label in the summary.
const RULES = `rules:
  - name: fs_full
    kind: threshold
    metric: host.fs.used_percent
    reduce: max
    window: 10s
    threshold: 90
    group_by: [host, mount]
    summary: 'File system {{ mount }} on {{ host }} is {{ value }}% full'
  - name: rx_errors
    kind: threshold
    metric: host.net.rx_errors
    reduce: max
    window: 10s
    threshold: 100
    group_by: [host, iface]
    summary: '{{ iface }} on {{ host }}'
`;

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtest-host-'));
  fs.writeFileSync(path.join(dir, 'r.yaml'), RULES);
  const lines: string[] = [];
  for (let s = 0; s < 300; s++) {
    // /var/lib/docker fills between 100 s and 160 s; / stays at 40 %. eth0 errs from 200 s on.
    lines.push(`${p}.h1._fs_var_lib_docker.host.fs.used_percent ${s >= 100 && s < 160 ? 95 : 50} ${T0 + s}`);
    lines.push(`${p}.h1._fs_.host.fs.used_percent 40 ${T0 + s}`);
    lines.push(`${p}.h1._net_eth0.host.net.rx_errors ${s >= 200 ? 500 : 0} ${T0 + s}`);
    lines.push(`${p}.h1._net_docker0.host.net.rx_errors 0 ${T0 + s}`);
  }
  await carbon(lines);
  for (const metric of ['host.fs.used_percent', 'host.net.rx_errors'])
    await waitFor(
      `the ${metric} backfill readable from graphite-web`,
      async () => (await rendered(`${p}.*.*.${metric}`)) === 600,
      60_000,
      500,
    );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a file system rule grouped by mount fires for that mount, named as the alerter names it', async () => {
  const { rules } = await backtest({
    rules: [dir],
    from: at(30),
    until: at(290),
    graphiteUrl: GRAPHITE_URL,
    prefix: p,
  });
  const fsFull = rules.find((r) => r.rule === 'fs_full')!;
  expect(fsFull.target).toBe(`${p}.*.*.host.fs.used_percent`);
  expect(fsFull.result!.intervals).toEqual([
    // The last full point (159 s) leaves the 10 s window at 169 s.
    {
      state: 'firing',
      labels: { host: 'h1', mount: '/var/lib/docker' },
      start: at(100),
      end: at(169),
      peak: 95,
    },
  ]);
  const rx = rules.find((r) => r.rule === 'rx_errors')!;
  expect(rx.result!.intervals).toEqual([
    { state: 'firing', labels: { host: 'h1', iface: 'eth0' }, start: at(200), peak: 500 },
  ]);
  expect(rx.result!.fired).toBe(1);
});
