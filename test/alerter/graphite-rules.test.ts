/**
 * Graphite-target rules (issue 14) on the real carbon + graphite-web + StatsD: StatsD timers and
 * carbon lines go in, the alerter asks graphite-web's render API, alerts fire and resolve per
 * series with labels from the names; graphite-web taken away mid-test (through a TCP gate, the
 * shared server keeps running) freezes the rule's alerts, logs once and fires the meta-alert.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MemoryBus } from '../../core/bus/memory';
import { systemClock } from '../../core/clock';
import { createLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { alerterConfigSchema, createAlerter, type Alerter } from '../../alerter/alerter';
import type { AlertTransition } from '../../alerter/types';
import { newRunId, waitFor } from '../support/docker';
import { TcpGate } from '../support/tcp-gate';

const graphiteUrl = new URL(process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080');
const STATSD = {
  host: process.env.STATSD_HOST ?? '127.0.0.1',
  port: Number(process.env.STATSD_PORT ?? 8125),
};
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};
const p = newRunId('lkg');

const udp = dgram.createSocket('udp4');
const timer = (name: string, ms: number): Promise<void> =>
  new Promise((resolve, reject) =>
    udp.send(`${p}.${name}:${ms}|ms`, STATSD.port, STATSD.host, (err) => (err ? reject(err) : resolve())),
  );
const carbon = (lines: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines.join('\n') + '\n'));
    s.on('close', () => resolve());
    s.on('error', reject);
  });

const RULES = `rules:
  - name: checkout_slow
    kind: graphite
    target: 'stats.timers.${p}.*.checkout.upper_90'
    series_labels: {service: 3}
    reduce: max
    window: 5s
    interval: 1s
    timeout: 1s
    threshold: 500
    clear: 300
    summary: '{{ service }} checkout p90 at {{ value }} ms'
  - name: queue_deep
    kind: graphite
    target: 'aliasByNode(${p}.queue.*.depth, 2)'
    series_labels: {host: 0}
    reduce: last
    window: 5s
    interval: 1s
    timeout: 1s
    threshold: 20
    summary: 'queue on {{ host }} holds {{ value }}'
`;

describe('Graphite-target rules on the real Graphite', () => {
  let alerter: Alerter;
  let gate: TcpGate;
  const got: AlertTransition[] = [];
  const logs: Array<{ msg: string; rule?: string }> = [];
  let feeding = true;
  let depth = { h1: 50, h2: 5 };
  let shopMs = 800;
  let pump: Promise<void>;

  beforeAll(async () => {
    gate = await TcpGate.open({ host: graphiteUrl.hostname, port: Number(graphiteUrl.port || 80) });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphite-rules-'));
    fs.writeFileSync(path.join(dir, 'graphite.yaml'), RULES);
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        cb();
      },
    });
    alerter = createAlerter({
      bus: new MemoryBus(),
      store: StateStore.open(':memory:'),
      clock: systemClock,
      logger: createLogger({ destination: sink, format: 'json' }),
      config: alerterConfigSchema.parse({
        rules: [dir],
        eval_interval: '200ms',
        watch: false,
        reload_on_sighup: false,
        graphite: { url: gate.url, blind_after: 6 },
      }),
      onTransitions: (t) => Promise.resolve(void got.push(...t)),
    });
    // StatsD flushes every second; carbon lines carry their own second.
    pump = (async () => {
      while (feeding) {
        await Promise.all([timer('shop.checkout', shopMs), timer('cart.checkout', 100)]);
        const ts = Math.floor(Date.now() / 1000);
        await carbon([`${p}.queue.h1.depth ${depth.h1} ${ts}`, `${p}.queue.h2.depth ${depth.h2} ${ts}`]);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
  });

  afterAll(async () => {
    feeding = false;
    await pump;
    await alerter.stop();
    await gate.close();
    udp.close();
  });

  const seen = (rule: string, to: string, label: string, value: string): AlertTransition | undefined =>
    got.find((t) => t.alert.rule === rule && t.to === to && t.alert.labels[label] === value);

  it('fires per series with labels from the series name, and only for the series over the threshold', async () => {
    const shop = await waitFor('checkout_slow firing for shop', () =>
      seen('checkout_slow', 'firing', 'service', 'shop'),
    );
    expect(shop.alert.labels).toEqual({
      series: `stats.timers.${p}.shop.checkout.upper_90`,
      service: 'shop',
    });
    expect(shop.alert.summary).toBe('shop checkout p90 at 800 ms');
    const h1 = await waitFor('queue_deep firing for h1', () => seen('queue_deep', 'firing', 'host', 'h1'));
    expect(h1.alert.labels).toEqual({ series: 'h1', host: 'h1' });
    expect(seen('checkout_slow', 'firing', 'service', 'cart')).toBeUndefined();
    expect(seen('queue_deep', 'firing', 'host', 'h2')).toBeUndefined();
  });

  it('resolves once the value is past the clearing level', async () => {
    shopMs = 100;
    await waitFor('checkout_slow resolved for shop', () =>
      seen('checkout_slow', 'resolved', 'service', 'shop'),
    );
  });

  it('Graphite away: no resolve, one log line per rule, the meta-alert; then recovery', async () => {
    depth = { h1: 1, h2: 1 }; // would resolve queue_deep, were it visible
    const before = logs.length;
    await gate.close();
    const blind = await waitFor('meta-alert for queue_deep', () =>
      got.find(
        (t) =>
          t.alert.rule === 'graphite_rule_blind' && t.to === 'firing' && t.alert.labels.rule === 'queue_deep',
      ),
    );
    // The outage outlasted the 5 s window: the samples aged out, and still no resolve.
    expect(blind.alert.value).toBe(6);
    expect(seen('queue_deep', 'resolved', 'host', 'h1')).toBeUndefined();
    expect(alerter.engine.runtime('queue_deep')!.groups.size).toBeGreaterThan(0);
    const failed = logs.slice(before).filter((l) => l.msg.startsWith('Graphite query failed'));
    expect(failed.map((l) => l.rule).sort()).toEqual(['checkout_slow', 'queue_deep']);

    await gate.reopen();
    await waitFor('meta-alert resolved', () =>
      got.find(
        (t) =>
          t.alert.rule === 'graphite_rule_blind' &&
          t.to === 'resolved' &&
          t.alert.labels.rule === 'queue_deep',
      ),
    );
    await waitFor('queue_deep resolved on the new data', () => seen('queue_deep', 'resolved', 'host', 'h1'));
    expect(logs.some((l) => l.msg === 'Graphite answers again')).toBe(true);
  });
});
