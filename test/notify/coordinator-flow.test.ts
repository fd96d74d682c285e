/**
 * A scaling coordinator beside PagerDuty (issue 13, point 4): one hot service both pages and asks
 * for a replica, and a coordinator that hangs or keeps answering 500 holds back no page, then or
 * later. Real notify, the PagerDuty stand-in over HTTPS and a real loopback coordinator; time
 * is a ManualClock (the running loop's passes come on real timers and read it).
 */
import { createNotifier, explain, type NotifierService } from '../../alerter/notify';
import { notifyConfigSchema } from '../../alerter/notify/config';
import { ManualClock } from '../../core/clock';
import { StateStore } from '../../core/store/store';
import { startTestCoordinator, type TestCoordinator } from '../support/coordinator-receiver';
import { waitFor } from '../support/docker';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../support/pagerduty-standin';
import { captureLogger, firing, makeAlert, T0 } from './fixtures';

const cert = makeLoopbackCert();
const SECRET = 'flow-coordinator-secret-55d1e0';
process.env.T_CFLOW_PD_KEY = 'cflow-routing-key-0123456789abcdef';
process.env.T_CFLOW_COORD_KEY = SECRET;
let pd: PagerDutyStandin;
let coord: TestCoordinator;
let store: StateStore;
let clock: ManualClock;
let n: NotifierService;
let logs: ReturnType<typeof captureLogger>;

beforeAll(async () => {
  pd = await startPagerDutyStandin(cert);
  coord = await startTestCoordinator(SECRET);
});
afterAll(async () => {
  await pd.close();
  await coord.close();
});
beforeEach(() => {
  pd.accepted.length = 0;
  coord.requests.length = 0;
  store = StateStore.open(':memory:');
  clock = new ManualClock(T0);
  logs = captureLogger();
  const config = notifyConfigSchema.parse({
    receivers: [
      {
        name: 'pd',
        type: 'pagerduty',
        routing_key: { env: 'T_CFLOW_PD_KEY' },
        events_host: pd.server,
        ca_file: cert.certFile,
      },
      // A long deadline, so the coordinator is still hanging while the page is checked.
      {
        name: 'scaler',
        type: 'coordinator',
        url: coord.url,
        secret: { env: 'T_CFLOW_COORD_KEY' },
        timeout: '60s',
      },
    ],
    route: {
      receiver: 'pd',
      group_wait: '10s',
      routes: [
        { receiver: 'pd', continue: true },
        { receiver: 'scaler', match: { rule: 'service_pool_hot' } },
      ],
    },
    api: { enabled: false },
    // Only the running loop of the last test reads it: passes come often, so it ends quickly.
    tick: '50ms',
  });
  n = createNotifier({ store, logger: logs.logger, clock, config });
});
afterEach(async () => {
  await n.stop();
  store.close();
});

test('a hanging coordinator does not hold back the page; its failure is retried, then it scales', async () => {
  const hot = makeAlert({ rule: 'service_pool_hot', labels: { service: 'web' }, value: 93, threshold: 80 });
  await n.handle([firing(hot)]);
  clock.set(T0 + 10_000);
  coord.failNext(0, 1);
  let passDone = false;
  const pass = n.tick().then(() => (passDone = true));
  await waitFor(
    'the page and the hanging scale request',
    () => pd.accepted.length === 1 && coord.requests.length === 1,
  );
  expect(pd.accepted[0]!.body.event_action).toBe('trigger');
  expect(passDone).toBe(false);
  coord.release();
  await pass;
  const scalerSteps = () =>
    explain(store, hot.key)
      .filter((d) => d.detail.receiver === 'scaler')
      .map((d) => d.step);
  expect(scalerSteps()).toEqual(['queued', 'retrying']);
  const retryIn = explain(store, hot.key).find((d) => d.step === 'retrying')!.detail.retry_in_ms as number;
  clock.set(T0 + 10_000 + retryIn);
  await n.tick();
  expect(scalerSteps()).toEqual(['queued', 'retrying', 'delivered']);
  expect(coord.requests.map((q) => [q.signatureOk, q.body.direction, q.body.suggested_size])).toEqual([
    [true, 'out', 2],
    [true, 'out', 2],
  ]);
  expect(pd.accepted).toHaveLength(1);
  expect(logs.text()).not.toContain(SECRET);
});

/** The scaler's decisions about `key`, in order. */
const scalerLog = (key: string) =>
  explain(store, key).filter((d) => d.detail.receiver === 'scaler' && d.step !== 'queued');

test('with the loop running, a hanging then failing coordinator delays no later page and is retried with backoff', async () => {
  const hot = makeAlert({ rule: 'service_pool_hot', labels: { service: 'web' }, value: 93, threshold: 80 });
  const fs = makeAlert({ rule: 'host_fs_full', labels: { host: 'h2', mount: '/' } });
  const mem = makeAlert({ rule: 'host_memory_pressure', labels: { host: 'h3' } });
  coord.failNext(0, 1);
  await n.handle([firing(hot)]);
  clock.set(T0 + 10_000);
  await n.start();
  await waitFor(
    'the first page and the hanging scale request',
    () => pd.accepted.length === 1 && coord.requests.length === 1,
  );

  // An unrelated alert fires while the scale request hangs: its page is not held behind it.
  await n.handle([firing(fs, T0 + 10_000)]);
  clock.set(T0 + 20_000);
  await waitFor('the second page', () => pd.accepted.length === 2);
  expect(scalerLog(hot.key)).toEqual([]);
  expect(coord.requests).toHaveLength(1);

  // The hang ends in a failure, then the coordinator answers 500 twice: each a retry, later each time.
  coord.failNext(500, 2);
  coord.release();
  await waitFor('the first retry', () => scalerLog(hot.key).length === 1);
  const retryIn = (i: number) => scalerLog(hot.key)[i]!.detail.retry_in_ms as number;
  clock.set(T0 + 20_000 + retryIn(0));
  await waitFor('the second retry', () => scalerLog(hot.key).length === 2);
  expect(retryIn(1)).toBeGreaterThan(retryIn(0));

  // A third alert pages while the coordinator is failing; the same pass makes the third try due.
  await n.handle([firing(mem, clock.now())]);
  clock.set(clock.now() + Math.max(10_000, retryIn(1)));
  await waitFor(
    'the third page and the third retry',
    () => pd.accepted.length === 3 && scalerLog(hot.key).length === 3,
  );
  expect(retryIn(2)).toBeGreaterThan(retryIn(1));
  clock.set(clock.now() + retryIn(2));
  await waitFor('the scale request accepted', () => scalerLog(hot.key).length === 4);

  const log = scalerLog(hot.key);
  expect(log.map((d) => d.step)).toEqual(['retrying', 'retrying', 'retrying', 'delivered']);
  expect(log[0]!.detail.error).toMatch(/^coordinator unreachable/);
  expect(log[1]!.detail.error).toMatch(/^coordinator answered 500/);
  expect(log[2]!.detail.error).toMatch(/^coordinator answered 500/);
  expect(log[3]!.detail.answer).toBe('web: out 1→2 sent');
  expect(pd.accepted.map((e) => e.body.dedup_key)).toEqual([hot.key, fs.key, mem.key]);
  const keys = new Set(coord.requests.map((q) => q.idempotencyKey));
  expect([coord.requests.length, keys.size]).toEqual([4, 1]);
  expect(logs.text()).not.toContain(SECRET);
});
