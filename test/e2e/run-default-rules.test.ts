/**
 * `lookout run` with the default rules on the real Docker engine: the pages an SRE expects
 * from a fresh install, and none for what people do on purpose (docker stop, a replacement).
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { docker, newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { startWebhookReceiver, type ReceivedHook } from '../support/webhook-receiver';

const runId = newRunId('e2e');
let lookout: LookoutProcess;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
const dies = new Map<string, number[]>();
let eventsProc: ReturnType<typeof spawn> | undefined;

/** Alerts (firing or resolved) the webhook received for a rule and container name. */
function alertsFor(
  rule: string,
  name: string,
  status: 'firing' | 'resolved',
): Array<{ alert: Record<string, any>; hook: ReceivedHook }> {
  const out: Array<{ alert: Record<string, any>; hook: ReceivedHook }> = [];
  for (const h of hook.received) {
    for (const a of (h.body[status] as Array<Record<string, any>> | undefined) ?? []) {
      if (a.rule === rule && a.labels?.container === name) out.push({ alert: a, hook: h });
    }
  }
  return out;
}
const namesPaged = () =>
  new Set(
    hook.received.flatMap((h) =>
      [...(h.body.firing ?? []), ...(h.body.resolved ?? [])].map((a: any) => a.labels?.container as string),
    ),
  );

beforeAll(async () => {
  hook = await startWebhookReceiver();
  // The engine's own record of deaths, for the "within 10 s of the third crash" check.
  eventsProc = spawn('docker', [
    'events',
    '--filter',
    `label=lookout.test=${runId}`,
    '--filter',
    'event=die',
    '--format',
    '{{.Actor.Attributes.name}} {{.TimeNano}}',
  ]);
  readline.createInterface({ input: eventsProc.stdout! }).on('line', (l) => {
    const [name, nanos] = l.split(' ');
    dies.set(name!, [...(dies.get(name!) ?? []), Number(BigInt(nanos!) / 1_000_000n)]);
  });
  lookout = startLookout({
    args: ['run'],
    config: `
collector:
  stats: { interval: 1s }
  heartbeat: { interval: 5s }
  logs: { start_at: end }
sinks:
  - { type: graphite, address: '127.0.0.1:${process.env.CARBON_PORT ?? 2003}' }
notify:
  receivers:
    - { name: hook, type: webhook, url: '${hook.url}' }
  group: { by: [container], interval: 5s }   # wait: the default (5 s), as a stock install pages
`,
  });
  await lookout.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000);
});

afterAll(async () => {
  eventsProc?.kill();
  await lookout?.stop();
  await removeTestContainers(runId);
  await hook?.close();
});

test('pages the crash loop, high CPU (and its resolve) and unhealthy; nothing for docker stop or a replacement', async () => {
  const crasher = `crasher-${runId}`;
  const hog = `hog-${runId}`;
  const sick = `sick-${runId}`;
  const stopped = `stopped-${runId}`;
  const v1 = `svc-v1-${runId}`;
  const v2 = `svc-v2-${runId}`;
  await runContainer({
    runId,
    name: crasher,
    args: ['--restart', 'on-failure'],
    cmd: ['sh', '-c', 'sleep 1; exit 3'],
  });
  await runContainer({
    runId,
    name: hog,
    cmd: [
      'sh',
      '-c',
      'burn() { while :; do :; done; }; p=""; for i in 1 2 3 4; do burn & p="$p $!"; done; sleep 90; kill $p; echo killed; exec sleep 3600',
    ],
  });
  await runContainer({
    runId,
    name: sick,
    args: [
      '--health-cmd',
      'test -f /tmp/ok',
      '--health-interval',
      '1s',
      '--health-retries',
      '1',
      '--health-start-period',
      '0s',
    ],
    cmd: ['sh', '-c', 'touch /tmp/ok; sleep 5; rm /tmp/ok; exec sleep 3600'],
  });
  await runContainer({ runId, name: stopped, cmd: ['sleep', '3600'] });
  await runContainer({
    runId,
    name: v1,
    args: ['--label', `lookout.service=svc-${runId}`],
    cmd: ['sleep', '3600'],
  });

  // Intentional: a docker stop, and a deploy that replaces v1 by v2.
  await docker('stop', '-t', '1', stopped);
  await docker('rm', '-f', v1);
  await runContainer({
    runId,
    name: v2,
    args: ['--label', `lookout.service=svc-${runId}`],
    cmd: ['sleep', '3600'],
  });

  // Crash loop: paged, and its alert's event time is within 10 s of the engine's third death.
  const [crash] = await waitFor(
    'crash loop page',
    () =>
      alertsFor('container_crash_loop', crasher, 'firing').length > 0 &&
      alertsFor('container_crash_loop', crasher, 'firing'),
    120_000,
  );
  const third = dies.get(crasher)?.[2];
  expect(third).toBeDefined();
  expect(crash!.alert.severity).toBe('critical');
  expect(Math.abs((crash!.alert.firedAt as number) - third!)).toBeLessThan(10_000);
  console.log(
    `crash loop: third death at ${new Date(third!).toISOString()}, webhook received ${crash!.hook.receivedAt - third!} ms later`,
  );

  // Unhealthy.
  await waitFor('unhealthy page', () => alertsFor('container_unhealthy', sick, 'firing').length > 0, 120_000);

  // High CPU fires after its `for`, then resolves once the hog idles.
  await waitFor('high CPU page', () => alertsFor('container_high_cpu', hog, 'firing').length > 0, 240_000);
  await waitFor(
    'high CPU resolve',
    () => alertsFor('container_high_cpu', hog, 'resolved').length > 0,
    240_000,
  );

  // By now the stop and the replacement are minutes old: nothing was paged for them.
  const paged = namesPaged();
  expect(paged.has(stopped)).toBe(false);
  expect(paged.has(v1)).toBe(false);
  expect(paged.has(v2)).toBe(false);
  // ...while the hog and the crasher were: the assertion above can fail.
  expect(paged.has(hog) && paged.has(crasher)).toBe(true);
}, 600_000);
