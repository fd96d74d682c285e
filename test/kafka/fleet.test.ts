/**
 * The fleet through the real CLI: `lookout collect --bus kafka` on a Docker host and
 * `lookout alert` elsewhere, meeting only through Kafka (the stand-in here, a real broker when
 * KAFKA_BROKERS is set). A crash-looping container on the host is paged by the alerter.
 */
import { newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { startTestBroker, type TestBroker } from './support';

const runId = newRunId('fleet');
let broker: TestBroker;
let collector: LookoutProcess;
let alerter: LookoutProcess;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  broker = await startTestBroker();
  hook = await startWebhookReceiver();
  const bus = `bus:\n  type: kafka\n  kafka:\n    brokers: [${broker.brokers.join(', ')}]\n    topic_prefix: ${runId}.\n    group_id: ${runId}\n    session_timeout: 6s\n    heartbeat_interval: 1s\n`;
  alerter = startLookout({
    args: ['alert'],
    config: `${bus}notify:\n  api: { listen: '127.0.0.1:0' }\n  receivers:\n    - { name: hook, type: webhook, url: '${hook.url}' }\n  group: { by: [container], wait: 1s }\n`,
  });
  await alerter.waitForLog('alerter running', (l) => l.msg === 'lookout running', 90_000);
  collector = startLookout({
    args: ['collect'],
    config: `${bus}sinks: []\ncollector:\n  logs: { start_at: end }\n`,
  });
  await collector.waitForLog('collector running', (l) => l.msg === 'lookout running', 90_000);
});

afterAll(async () => {
  await collector?.stop();
  await alerter?.stop();
  await removeTestContainers(runId);
  await hook?.close();
  await broker?.stop();
});

test('a crash loop seen by the collector is paged by the alerter through Kafka', async () => {
  const name = `crasher-${runId}`;
  await runContainer({
    runId,
    name,
    args: ['--restart', 'on-failure'],
    cmd: ['sh', '-c', 'sleep 1; exit 2'],
  });
  const page = await waitFor(
    'a crash loop page from the alerter',
    () =>
      hook.received.find((h) =>
        (h.body.firing as Array<Record<string, any>> | undefined)?.some(
          (a) => a.rule === 'container_crash_loop' && a.labels?.container === name,
        ),
      ),
    180_000,
  );
  expect(page.body.status).toBe('firing');
}, 300_000);
