/**
 * notify's half of a fleet's hand-off: a firing alert taken over from another replica is paged
 * again only to the receivers that were not told of this firing yet, and its resolve goes out
 * once to every receiver. test/kafka/alerter-handoff.test.ts runs it through two processes.
 */
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { startWebhookReceiver } from '../../test/support/webhook-receiver';
import type { Alert } from '../types';
import { createNotifier, notifyConfigSchema, type Told } from './index';
import { alertKeys } from './store/alerts';
import { loadGroups } from './store/groups';
import { allOutboxRows } from './store/outbox';
import type { Notification } from './types';

const T0 = 1_700_000_000_000;
const FIRED = T0 - 60_000;

const alert = (over: Partial<Alert> = {}): Alert => ({
  key: 'k-api',
  rule: 'hot',
  kind: 'threshold',
  severity: 'warning',
  labels: { service: 'api' },
  summary: 'api hot',
  state: 'firing',
  activeAt: FIRED - 20_000,
  firedAt: FIRED,
  ...over,
});

type Hooks = Awaited<ReturnType<typeof startWebhookReceiver>>;
let hooks: Record<'one' | 'two', Hooks>;
beforeAll(async () => {
  hooks = { one: await startWebhookReceiver(), two: await startWebhookReceiver() };
});
afterAll(async () => {
  await hooks.one.close();
  await hooks.two.close();
});

function notifier(urls = { one: hooks.one.url, two: hooks.two.url }) {
  const clock = new ManualClock(T0);
  const store = StateStore.open(':memory:');
  for (const h of Object.values(hooks)) h.received.length = 0;
  const n = createNotifier({
    store,
    clock,
    logger: silentLogger(),
    config: notifyConfigSchema.parse({
      receivers: [
        { name: 'one', type: 'webhook', url: urls.one },
        { name: 'two', type: 'webhook', url: urls.two },
      ],
      group: { by: ['service'], wait: '10s', interval: '1m', repeat_interval: '4h' },
      // Every alert goes to both receivers.
      route: { routes: [{ receiver: 'one', continue: true }, { receiver: 'two' }] },
    }),
  });
  /** Advances the clock by `ms` in one-second dispatch passes. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.advance(1000);
      await n.tick();
    }
  };
  return { n, clock, store, run };
}

/** What a receiver got, one string per alert per notification (alerts named by key). */
const got = (h: Hooks): string[] =>
  h.received.flatMap(({ body }) => [
    ...(body.firing as Alert[]).map((a) => `firing ${a.key}`),
    ...(body.resolved as Alert[]).map((a) => `resolved ${a.key}`),
  ]);

const told = (status: Told['status'], firedAt: number | undefined, at = T0 - 50_000): Told => ({
  status,
  firedAt,
  incidentKey: 'k-api',
  at,
});

describe('takeOver', () => {
  test.each([
    ['both told of this firing', { one: told('firing', FIRED), two: told('firing', FIRED) }, [], []],
    [
      'one told, two not yet (its page died in the old outbox)',
      { one: told('firing', FIRED) },
      [],
      ['firing k-api'],
    ],
    ['nothing recorded', {}, ['firing k-api'], ['firing k-api']],
    [
      'told of an earlier firing only',
      { one: told('firing', FIRED - 600_000), two: told('resolved', FIRED - 600_000) },
      ['firing k-api'],
      ['firing k-api'],
    ],
  ] as const)(
    '%s: pages only who was not told; the resolve goes to both once',
    async (_name, record, one, two) => {
      const { n, run } = notifier();
      await n.takeOver([{ alert: alert(), changes: [FIRED], told: { ...record } }]);
      await run(30_000);
      expect({ one: got(hooks.one), two: got(hooks.two) }).toEqual({ one: [...one], two: [...two] });

      await n.handle([
        {
          alert: alert({ state: 'resolved', resolvedAt: T0 + 40_000 }),
          from: 'firing',
          to: 'resolved',
          at: T0 + 40_000,
        },
      ]);
      await run(30_000);
      expect({ one: got(hooks.one), two: got(hooks.two) }).toEqual({
        one: [...one, 'resolved k-api'],
        two: [...two, 'resolved k-api'],
      });
    },
  );

  test("the repeat interval runs from the old owner's delivery, not from the take-over", async () => {
    const { n, run } = notifier();
    const at = T0 - 3 * 3_600_000;
    await n.takeOver([
      {
        alert: alert(),
        changes: [FIRED],
        told: { one: told('firing', FIRED, at), two: told('firing', FIRED, at) },
      },
    ]);
    await run(59 * 60_000);
    expect(got(hooks.one)).toEqual([]);
    await run(2 * 60_000);
    expect({ one: got(hooks.one), two: got(hooks.two) }).toEqual({
      one: ['firing k-api'],
      two: ['firing k-api'],
    });
  });

  test('an alert taken over into a group that already paged here joins it silently', async () => {
    const { n, clock, run } = notifier();
    const web = alert({ key: 'k-web', labels: { service: 'api', container: 'web' } });
    await n.handle([{ alert: web, from: 'pending', to: 'firing', at: T0 }]);
    await run(15_000);
    expect(got(hooks.one)).toEqual(['firing k-web']);
    await n.takeOver([
      { alert: alert(), changes: [FIRED], told: { one: told('firing', FIRED, clock.now()) } },
    ]);
    await run(5 * 60_000);
    // one: nothing new (it knew both); two: an update naming the alert it had not been told of.
    expect(got(hooks.one)).toEqual(['firing k-web']);
    expect(got(hooks.two).sort()).toEqual(['firing k-api', 'firing k-web', 'firing k-web']);
    expect(hooks.two.received.map((h) => h.body.firing.length)).toEqual([1, 2]);
  });
});

test('an alert the old owner told inside an aggregate is taken into the aggregate, not a page of its own', async () => {
  const store = StateStore.open(':memory:');
  const n = createNotifier({
    store,
    clock: new ManualClock(T0),
    logger: silentLogger(),
    config: notifyConfigSchema.parse({
      receivers: [{ name: 'one', type: 'webhook', url: hooks.one.url }],
      route: { receiver: 'one', group_by: ['...'] },
    }),
  });
  const member = alert({ labels: { host: 'h', container: 'c1' } });
  await n.takeOver([
    { alert: member, changes: [FIRED], told: { one: { ...told('firing', FIRED), incidentKey: 'agg' } } },
  ]);
  const groups = [...loadGroups(store).values()];
  expect(groups).toEqual([
    expect.objectContaining({ aggregate: true, incidentKey: 'agg', members: ['k-api'] }),
  ]);
  expect(groups[0]!.labels).toEqual({ rule: 'hot', host: 'h' });
  store.close();
});

describe('release', () => {
  test("a moved alert is forgotten here: no repeat from this replica, and its resolve is the new owner's", async () => {
    const { n, run } = notifier();
    await n.handle([{ alert: alert(), from: 'pending', to: 'firing', at: T0 }]);
    await run(15_000);
    expect(got(hooks.one)).toEqual(['firing k-api']);
    await n.release(['k-api']);
    await run(5 * 3_600_000);
    expect({ one: got(hooks.one), two: got(hooks.two) }).toEqual({
      one: ['firing k-api'],
      two: ['firing k-api'],
    });
  });

  test('its page still in the outbox is dropped (the new owner sends it), a resolve still in the outbox is sent from here', async () => {
    // A receiver that refuses everything: what is dispatched stays in the outbox.
    const { n, store, run } = notifier({ one: 'http://127.0.0.1:1/down', two: 'http://127.0.0.1:1/down' });
    const web = alert({ key: 'k-web', labels: { service: 'web' } });
    const db = alert({ key: 'k-db', labels: { service: 'db' } });
    await n.handle([
      { alert: alert(), from: 'pending', to: 'firing', at: T0 },
      { alert: web, from: 'pending', to: 'firing', at: T0 },
      { alert: db, from: 'pending', to: 'firing', at: T0 },
    ]);
    await run(11_000);
    await n.handle([
      { alert: { ...web, state: 'resolved' }, from: 'firing', to: 'resolved', at: T0 + 11_000 },
    ]);
    await run(1_000);
    const outbox = () =>
      allOutboxRows(store)
        .filter((r) => r.receiver === 'one')
        .map((r) => {
          const p = JSON.parse(r.payload) as Notification;
          return `${p.status} ${[...p.firing, ...p.resolved].map((a) => a.key).join(',')}`;
        })
        .sort();
    expect(outbox()).toEqual(['firing k-api', 'firing k-db', 'firing k-web', 'resolved k-web']);
    await n.release(['k-api', 'k-web']);
    expect(outbox()).toEqual(['firing k-db', 'resolved k-web']);
    expect(alertKeys(store).sort()).toEqual(['k-db']);
    // A fleet replica starting owns nothing yet: it forgets every alert it remembers.
    await n.release('all');
    expect(outbox()).toEqual(['resolved k-web']);
    expect(loadGroups(store).size).toBe(0);
  });
});
