import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { waitFor } from '../../test/support/docker';
import { DEFAULT_AGGREGATE_RULES, DEFAULT_INHIBIT_RULES, notifyConfigSchema } from './config';
import { DIGEST_GROUPING, PAGING_GROUPING } from './grouping';
import { createNotifier } from './index';
import { compileRoutes, routeAlert } from './route';
import { makeAlert } from '../../test/notify/fixtures';

test('defaults', () => {
  const c = notifyConfigSchema.parse({});
  expect(c).toMatchObject({
    receivers: [],
    group: {},
    aggregate: DEFAULT_AGGREGATE_RULES,
    flapping: { max_changes: 6, window: 1_800_000 },
    tick: 1000,
    api: { enabled: true, listen: { host: '127.0.0.1', port: 9465 } },
    // prefix and via are left unset here: cli/config fills them from the configured sinks.
    links: { before: 1_800_000, after: 900_000, graphite: { metric_dots: 'keep', host_segment: '_host' } },
    deploys: { enabled: true, window: 600_000 },
    inhibit_rules: DEFAULT_INHIBIT_RULES,
  });
  // Nothing configured: everything goes to the console.
  expect(routeAlert(compileRoutes(c), makeAlert())[0]!.receiver).toBe('console');
});

test('unset grouping follows the receiver kind: one notification per alert to a pager, a digest per host to mail', () => {
  process.env.T_GROUPING_PD_KEY = 'never sent';
  const receivers = [
    { name: 'pd', type: 'pagerduty', routing_key: { env: 'T_GROUPING_PD_KEY' } },
    { name: 'mail', type: 'webhook', url: 'http://127.0.0.1:1/' },
  ];
  const route = { receiver: 'pd', routes: [{ receiver: 'pd', continue: true }, { receiver: 'mail' }] };
  const routes = routeAlert(compileRoutes(notifyConfigSchema.parse({ receivers, route })), makeAlert());
  expect(routes.map((r) => [r.receiver, r.groupBy, r.groupWait])).toEqual([
    ['pd', PAGING_GROUPING.by, PAGING_GROUPING.wait],
    ['mail', DIGEST_GROUPING.by, DIGEST_GROUPING.wait],
  ]);
  // Set anywhere above a route, a key holds for every receiver below it.
  const explicit = notifyConfigSchema.parse({ receivers, route, group: { by: ['service'] } });
  expect(routeAlert(compileRoutes(explicit), makeAlert()).map((r) => r.groupBy)).toEqual([
    ['service'],
    ['service'],
  ]);
});

test('unknown keys are rejected, at any depth of the route tree', () => {
  const r = notifyConfigSchema.safeParse({
    receivers: [
      { name: 'a', type: 'console' },
      { name: 'a', type: 'console' },
    ],
    route: { receiver: 'nope', match_re: { host: '(' }, routes: [{ receiver: 'a', colour: 'red' }] },
  });
  expect(r.success).toBe(false);
  const msgs = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  expect(msgs).toMatch(/^route\.routes\.0: .*colour/m);
});

test('cross-field checks', () => {
  const r = notifyConfigSchema.safeParse({
    receivers: [
      { name: 'a', type: 'console' },
      { name: 'a', type: 'console' },
    ],
    route: { receiver: 'nope', match_re: { host: '(' } },
  });
  const msgs = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  expect(msgs).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^receivers\.1\.name: receiver "a" is defined twice/),
      expect.stringMatching(/^route\.receiver: no receiver named "nope"/),
      expect.stringMatching(/^route\.match_re\.host: "\(" is not a regular expression/),
    ]),
  );
});

test('graphite-events is added from the deploys section, never listed: its type is refused, its name taken', () => {
  const listed = notifyConfigSchema.safeParse({
    receivers: [{ name: 'marks', type: 'graphite-events', url: 'http://gw.example' }],
  });
  expect(listed.success).toBe(false);
  const hook = { name: 'graphite-events', type: 'webhook', url: 'http://127.0.0.1:1/' };
  const links = { graphite_url: 'http://gw.example' };
  const taken = notifyConfigSchema.safeParse({ receivers: [hook], links });
  expect(taken.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
    expect.stringMatching(/^receivers\.0\.name: the name "graphite-events" is taken by the deploy markers/),
  ]);
  // Without the markers (no graphite-web URL, or deploys off) the name is free.
  expect(notifyConfigSchema.safeParse({ receivers: [hook] }).success).toBe(true);
  const off = { receivers: [hook], links, deploys: { enabled: false } };
  expect(notifyConfigSchema.safeParse(off).success).toBe(true);
});

test('a JSON Schema can be made for editors', () => {
  expect(() => z.toJSONSchema(notifyConfigSchema, { io: 'input', unrepresentable: 'any' })).not.toThrow();
});

test('routes: first matching child wins unless continue; children inherit', () => {
  const c = notifyConfigSchema.parse({
    receivers: ['ops', 'db', 'web', 'hook'].map((name) => ({ name, type: 'console' })),
    route: {
      receiver: 'ops',
      group_wait: '5s',
      routes: [
        { match: { service: 'db' }, receiver: 'db', group_by: ['service'] },
        { match_re: { service: 'web|api' }, receiver: 'web', continue: true },
        { match: { severity: 'critical' }, receiver: 'hook' },
      ],
    },
  });
  const root = compileRoutes(c);
  const to = (labels: Record<string, string>, severity: 'critical' | 'warning' = 'critical') =>
    routeAlert(root, makeAlert({ labels, severity })).map((r) => r.receiver);
  expect(to({ host: 'h', service: 'db' })).toEqual(['db']);
  expect(to({ host: 'h', service: 'web' })).toEqual(['web', 'hook']);
  expect(to({ host: 'h', service: 'web' }, 'warning')).toEqual(['web']);
  expect(to({ host: 'h', service: 'cache' }, 'warning')).toEqual(['ops']);
  expect(routeAlert(root, makeAlert({ labels: { service: 'db' } }))[0]).toMatchObject({
    groupWait: 5000,
    groupBy: ['service'],
  });
});

test('the watchdog calls its URL while the alerter runs, and stops with it', async () => {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping`;
  const store = StateStore.open(':memory:');
  const n = createNotifier({
    store,
    logger: silentLogger(),
    clock: systemClock,
    config: notifyConfigSchema.parse({
      api: { enabled: false },
      tick: '100ms',
      watchdog: { url, interval: '100ms' },
    }),
  });
  await n.start();
  await waitFor('three watchdog calls', () => hits >= 3);
  await n.stop();
  const after = hits;
  await new Promise((r) => setTimeout(r, 300));
  expect(hits).toBeLessThanOrEqual(after + 1);
  store.close();
  await new Promise<void>((r) => server.close(() => r()));
});
