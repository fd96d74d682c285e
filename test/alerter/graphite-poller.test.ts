/**
 * The Graphite poller's isolation (issue 14): a rule whose target graphite-web answers slowly
 * hits its deadline, logs once and goes blind, while a fast rule keeps being fed every interval.
 * graphite-web is the real one, behind an HTTP pass-through that holds the slow target's requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import { createLogger } from '../../core/logger';
import { Writable } from 'node:stream';
import { GraphitePoller } from '../../alerter/graphite/poller';
import { compileRules } from '../../alerter/rules/compile';
import { loadRuleText } from '../../alerter/rules/load';
import type { AlertTransition } from '../../alerter/types';
import { newRunId, waitFor } from '../support/docker';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const p = newRunId('lkp');

test('a slow target hits its deadline and goes blind; the fast rule is fed every interval', async () => {
  const held: http.ServerResponse[] = [];
  const answeredFast: number[] = [];
  const server = http.createServer((req, res) => {
    if (decodeURIComponent(req.url ?? '').includes('.slow')) return void held.push(res); // never answered
    void fetch(`${GRAPHITE_URL}${req.url}`).then(async (r) => {
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(Buffer.from(await r.arrayBuffer()));
      answeredFast.push(Date.now());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rules = loadRuleText(
    'p.yaml',
    `rules:
  - {name: fast, kind: graphite, target: '${p}.fast.*', window: 10s, interval: 1s, timeout: 1s, threshold: 1}
  - {name: slow, kind: graphite, target: '${p}.slow.*', window: 10s, interval: 1s, timeout: 1s, threshold: 1}
`,
  );
  expect(rules.problems).toEqual([]);
  const compiled = compileRules(rules.rules, { latenessMs: 0 });
  const logs: string[] = [];
  const meta: AlertTransition[] = [];
  const poller = new GraphitePoller({
    config: { url, max_concurrent: 2, blind_after: 3 },
    clock: systemClock,
    log: createLogger({
      format: 'json',
      destination: new Writable({
        write(c: Buffer, _e, cb) {
          logs.push(...c.toString().split('\n').filter(Boolean));
          cb();
        },
      }),
    }),
    rules: () => compiled,
    feed: (_s: MetricSample[], m) => {
      meta.push(...m);
      return Promise.resolve();
    },
  });
  const timer = setInterval(() => poller.poll(), 100);
  try {
    const blind = await waitFor('the slow rule blind', () =>
      meta.find((t) => t.alert.labels.rule === 'slow'),
    );
    expect(blind.to).toBe('firing');
    expect(blind.alert.detail).toMatch(/timeout|aborted/i);
    expect(held.length).toBeGreaterThanOrEqual(3);
    // The slow rule's requests stay held, and the fast one goes on being answered: awaited, not
    // counted by the time the slow one went blind (a loaded graphite-web can take a second).
    await waitFor('the fast rule answered 3 times while the slow one hangs', () =>
      answeredFast.length >= 3 ? true : undefined,
    );
    expect(meta.some((t) => t.alert.labels.rule === 'fast')).toBe(false);
    const failed = logs.filter((l) => l.includes('Graphite query failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('"rule":"slow"');
  } finally {
    clearInterval(timer);
    await poller.stop();
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
