import { ManualClock } from '../../../core/clock';
import { validateYaml } from '../../../core/config/located';
import { formatProblem } from '../../../core/errors';
import { StateStore } from '../../../core/store/store';
import { captureLogger, makeAlert, makeNotification, T0 } from '../../../test/notify/fixtures';
import { startTestCoordinator, type TestCoordinator } from '../../../test/support/coordinator-receiver';
import { notifyConfigSchema } from '../config';
import { explain } from '../decisions';
import { deliverDue } from '../lanes';
import { enqueue, pendingRows } from '../outbox';
import { migrateNotify } from '../store/tables';
import { coordinatorKind, coordinatorSchema } from './index';

const KEY = 'coordinator-test-secret-7f3a9c';
process.env.T_COORD_KEY = KEY;
const MIN = 60_000;
let coord: TestCoordinator;
let clock: ManualClock;
let store: StateStore;
let logs: ReturnType<typeof captureLogger>;

beforeAll(async () => {
  coord = await startTestCoordinator(KEY);
});
afterAll(() => coord.close());
beforeEach(() => {
  coord.requests.length = 0;
  clock = new ManualClock(T0);
  store = StateStore.open(':memory:');
  migrateNotify(store);
  logs = captureLogger();
});
afterEach(() => store.close());

function receiver(over: Record<string, unknown> = {}) {
  const cfg = coordinatorSchema.parse({
    name: 'scaler',
    type: 'coordinator',
    url: coord.url,
    secret: { env: 'T_COORD_KEY' },
    cooldown: '10m',
    scale_in_quiet: '30m',
    services: { web: { min: 1, max: 3, size: 2 } },
    ...over,
  });
  return {
    notifier: coordinatorKind.create(cfg, { logger: logs.logger, clock }),
    retry: coordinatorKind.retry,
  };
}

const hot = (scale?: 'in') =>
  makeAlert({
    rule: scale ? 'service_pool_cold' : 'service_pool_hot',
    labels: { service: 'web', ...(scale ? { scale } : {}) },
    value: scale ? 5 : 91,
    threshold: scale ? 10 : 80,
  });

/** Queues one firing notification of `alert` and runs one delivery pass; returns the row's answer. */
async function notifyAt(ms: number, r: ReturnType<typeof receiver>, alert = hot()) {
  clock.set(T0 + ms);
  const n = makeNotification({ receiver: 'scaler', firing: [{ ...alert, links: { runbook: 'rb' } }] });
  enqueue(store, 'scaler', 'alerts', `g${ms}`, n, clock.now());
  await deliverDue({
    store,
    receivers: new Map([['scaler', r]]),
    clock,
    logger: logs.logger,
    signal: new AbortController().signal,
  });
  const last = explain(store, alert.key).at(-1)!;
  return last.detail.answer as string | undefined;
}

test('a signed request with service, direction, sizes, evidence and an idempotency key', async () => {
  const r = receiver();
  expect(await notifyAt(0, r)).toBe('web: out 2→3 sent');
  expect(coord.requests).toHaveLength(1);
  const req = coord.requests[0]!;
  expect(req.signatureOk).toBe(true);
  expect(req.body).toMatchObject({
    kind: 'scale',
    service: 'web',
    direction: 'out',
    current_size: 2,
    suggested_size: 3,
    evidence: { rule: 'service_pool_hot', value: 91, threshold: 80, links: { runbook: 'rb' } },
  });
  expect(req.idempotencyKey).toBe(req.body.idempotency_key);
  expect(req.body.idempotency_key).toMatch(/^lookout-\d+-web-out$/);
  expect(logs.text()).not.toContain(KEY);
});

test('cooldown holds a second out, the max bound holds a third, each verdict in the decision log', async () => {
  const r = receiver();
  await notifyAt(0, r);
  expect(await notifyAt(5 * MIN, r)).toMatch(/^web: out held by cooldown until .*T12:10:00/);
  expect(await notifyAt(11 * MIN, r)).toBe('web: out held at bound 3 (size 3)');
  expect(coord.requests.map((q) => q.body.suggested_size)).toEqual([3]);
});

test('scale in waits the quiet period after the last out, then steps down to the min bound', async () => {
  const r = receiver();
  await notifyAt(0, r);
  expect(await notifyAt(20 * MIN, r, hot('in'))).toMatch(/^web: in held until .*T12:30:00.*quiet period/);
  expect(await notifyAt(31 * MIN, r, hot('in'))).toBe('web: in 3→2 sent');
  expect(await notifyAt(45 * MIN, r, hot('in'))).toBe('web: in 2→1 sent');
  expect(await notifyAt(60 * MIN, r, hot('in'))).toBe('web: in held at bound 1 (size 1)');
  expect(coord.requests.map((q) => q.body.direction)).toEqual(['out', 'in', 'in']);
});

test('a 500 is retried with backoff under the same idempotency key, then delivered', async () => {
  const r = receiver();
  coord.failNext(500, 1);
  await notifyAt(0, r);
  const steps = () => explain(store, hot().key).map((d) => d.step);
  expect(steps()).toEqual(['retrying']);
  const retryIn = explain(store, hot().key)[0]!.detail.retry_in_ms as number;
  expect(retryIn).toBeGreaterThan(0);
  clock.set(T0 + retryIn);
  await deliverDue({
    store,
    receivers: new Map([['scaler', r]]),
    clock,
    logger: logs.logger,
    signal: new AbortController().signal,
  });
  expect(steps()).toEqual(['retrying', 'delivered']);
  expect(pendingRows(store)).toEqual([]);
  const keys = coord.requests.map((q) => q.idempotencyKey);
  expect(keys).toHaveLength(2);
  expect(keys[0]).toBe(keys[1]);
});

test('a resolved notification or one without a service asks nothing', async () => {
  const r = receiver();
  const n = makeNotification({ receiver: 'scaler', status: 'resolved' });
  expect((await r.notifier.send(n, new AbortController().signal)).answer).toMatch(/^resolved/);
  expect(
    (
      await r.notifier.send(
        makeNotification({ firing: [{ ...makeAlert({ labels: { host: 'h' } }), links: {} }] }),
        new AbortController().signal,
      )
    ).answer,
  ).toMatch(/no alert names a service/);
  expect(coord.requests).toHaveLength(0);
});

test('config errors name the file, line and key', () => {
  const yaml = [
    'receivers:',
    '  - name: scaler',
    '    type: coordinator',
    '    url: http://127.0.0.1:1/',
    '    secret: {env: T_COORD_UNSET_VAR}',
    '    services:',
    '      web: {min: 5, max: 2}',
    '    colldown: 5m',
  ].join('\n');
  const problems = validateYaml('notify.yaml', yaml, notifyConfigSchema).problems.map(formatProblem);
  expect(problems.join('\n')).toMatch(/notify\.yaml:5:.*secret.*T_COORD_UNSET_VAR is not set/);
  expect(problems.join('\n')).toMatch(/notify\.yaml:7:.*services\.web.*min must not exceed max/);
  expect(problems.join('\n')).toMatch(/notify\.yaml:8:.*colldown/);
});
