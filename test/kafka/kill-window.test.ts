/**
 * The kill window of an event-driven rule in a fleet: its owner hands a firing to notify and is
 * killed before anything else happens (the alerter never hears back from notify, so the window
 * stays open until the SIGKILL). The state the firing leads to is written ahead of notify
 * (alerter/runner/write-ahead.ts), so the next owner adopts the alert firing: the webhook
 * receiver gets one page and one resolve, whether the dead owner's notify had delivered the page
 * (it is recorded with the state: not sent again) or had not even taken it (the next owner's
 * notify sends it, once). Before, the next owner found no state and fired the alert again: a
 * second page for one problem. Replicas are child processes (alerter-replica.ts) with the real
 * notify and a webhook receiver, on the Kafka stand-in (or KAFKA_BROKERS).
 */
import path from 'node:path';
import { KafkaBus } from '../../core/bus/kafka/bus';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { waitFor } from '../support/docker';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { owned, startReplicaProcess, type Replica } from './alerter-replica';
import { fleetFixture } from './fleet-fixture';
import { container, testConfig, uniquePrefix } from './support';

const PARTITIONS = 6;
const SERVICE = 'killwin';
const RULES = `rules:
  - name: kill_window_hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 5s
    op: '>'
    threshold: 80
    on_no_data: resolve
    group_by: [service]
    summary: '{{ service }} is hot'
`;

const fleet = fleetFixture('kill-window', RULES);

const firings = (r: Replica) => r.lines.filter((l) => l.startsWith('T ') && l.includes('"to":"firing"'));
const adoptions = (r: Replica) =>
  r.lines
    .filter((l) => l.startsWith('P '))
    .map((l) => JSON.parse(l.slice(2)) as { service: string; told: string[] });

/**
 * A fires the service's alert with `hang` holding the window open, is killed, and B takes over
 * while the service stays hot, then cools down. Returns what the webhook receiver got and B.
 */
async function killInWindow(hang: 'HANG_ON_FIRING' | 'HANG_AFTER_NOTIFY') {
  const hook = await startWebhookReceiver();
  const prefix = uniquePrefix(`kill-${hang.toLowerCase()}`);
  const bus = new KafkaBus(testConfig(fleet.broker.brokers, prefix), { logger: silentLogger() });
  let publishing: NodeJS.Timeout | undefined;
  try {
    await bus.start();
    let hot = true;
    const publish = () => {
      const sample: MetricSample = {
        kind: 'metric',
        host: 'h1',
        ts: Date.now(),
        name: 'cpu.percent',
        value: hot ? 95 : 10,
        type: 'gauge',
        container: container(SERVICE),
      };
      void bus.publish('metric', [sample]).catch(() => undefined);
    };
    publish();
    publishing = setInterval(publish, 1_000);
    const env = (name: string) => ({
      BROKERS: fleet.broker.brokers.join(','),
      PREFIX: prefix,
      RULES: fleet.rulesDir,
      STATE: path.join(fleet.dir, `${prefix}${name}.db`),
      HOOK_URL: hook.url,
    });
    const a = startReplicaProcess('a', { ...env('a'), [hang]: '1' }, fleet.children);
    await waitFor('A to fire the alert', () => firings(a).length > 0, 90_000);
    if (hang === 'HANG_AFTER_NOTIFY')
      // Its notify delivered the page and the hand-off recorded that (the N line follows the record).
      await waitFor('A to deliver the page', () => a.lines.some((l) => l.startsWith('N ')), 60_000);
    a.proc.kill('SIGKILL');
    const pagesBeforeB = hook.received.length;

    const b = startReplicaProcess('b', env('b'), fleet.children);
    await waitFor('B to own every partition', () => owned(b).size === PARTITIONS, 90_000);
    // B evaluates A's uncommitted hot batch and what followed before any cool sample: a second
    // firing, if B were to make one, would be paged long before the resolve.
    hot = false;
    const resolves = () => hook.received.filter((h) => (h.body.resolved as unknown[] | undefined)?.length);
    await waitFor('the resolve to reach the webhook receiver', () => resolves().length > 0, 120_000);
    clearInterval(publishing);
    const pages = hook.received.filter((h) => (h.body.firing as unknown[] | undefined)?.length);
    return { pages: pages.length, resolves: resolves().length, pagesBeforeB, b };
  } finally {
    clearInterval(publishing);
    await bus.close().catch(() => undefined);
    await hook.close();
  }
}

test('killed after notify delivered the firing, before its state was written: no second page', async () => {
  const { pages, resolves, pagesBeforeB, b } = await killInWindow('HANG_AFTER_NOTIFY');
  expect(pagesBeforeB).toBe(1);
  // On the code before the write ahead: 2 pages (B fired the alert again).
  expect({ pages, resolves }).toEqual({ pages: 1, resolves: 1 });
  // Adopted firing, with the delivery the dead owner recorded: not sent again.
  expect(adoptions(b)).toEqual([expect.objectContaining({ service: SERVICE, told: ['hook'] })]);
  expect(firings(b)).toEqual([]);
}, 300_000);

test('killed before notify took the firing: the next owner pages it, once', async () => {
  const { pages, resolves, pagesBeforeB, b } = await killInWindow('HANG_ON_FIRING');
  expect(pagesBeforeB).toBe(0);
  expect({ pages, resolves }).toEqual({ pages: 1, resolves: 1 });
  // Adopted firing, nobody told: notify's takeOver pages it.
  expect(adoptions(b)).toEqual([expect.objectContaining({ service: SERVICE, told: [] })]);
  expect(firings(b)).toEqual([]);
}, 300_000);
