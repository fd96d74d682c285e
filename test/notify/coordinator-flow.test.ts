/**
 * A scaling coordinator beside PagerDuty (issue 13, point 4): one hot service both pages and asks
 * for a replica, and a coordinator that hangs does not hold the page back. Real notify, the
 * PagerDuty stand-in over HTTPS and a real loopback coordinator; time is a ManualClock.
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
