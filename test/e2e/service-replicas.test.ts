/**
 * `absence` of a service with `expected_from: label` through `lookout run` on the real Docker
 * engine: the collector's heartbeat carries each running container's Docker labels, the alerter
 * reads `lookout.replicas` from them, and the webhook hears "2 of 3" until a third replica runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { startWebhookReceiver } from '../support/webhook-receiver';

const runId = newRunId('rep');
const service = `svc-${runId}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-replicas-'));
let lookout: LookoutProcess | undefined;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;

afterAll(async () => {
  await lookout?.stop();
  await removeTestContainers(runId);
  await hook?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const replica = (i: number) =>
  runContainer({
    runId,
    name: `${service}-${i}`,
    args: ['--label', `lookout.service=${service}`, '--label', 'lookout.replicas=3'],
    cmd: ['sleep', '3600'],
  });

/** The alerts of our rule the webhook received with this status. */
const heard = (status: 'firing' | 'resolved'): Array<Record<string, any>> =>
  hook!.received.flatMap((h) =>
    ((h.body[status] as Array<Record<string, any>> | undefined) ?? []).filter((a) => a.rule === 'svc_short'),
  );

test('the expected size comes from the running containers lookout.replicas label', async () => {
  hook = await startWebhookReceiver();
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  fs.writeFileSync(
    path.join(rules, 'replicas.yaml'),
    `rules:
  - name: svc_short
    kind: absence
    of: service
    expected_from: label
    min_running: 1
    after: 10s
    where: { service: ${service} }
    group_by: [service]
    severity: warning
    summary: '{{ service }} runs {{ value }} of {{ threshold }} containers'
`,
  );
  await replica(1);
  await replica(2);
  lookout = startLookout({
    args: ['run'],
    dir,
    config: `
collector:
  heartbeat: { interval: 1s }
  logs: { start_at: end }
sinks: []
alerter:
  rules: ['${rules}']
notify:
  receivers:
    - { name: hook, type: webhook, url: '${hook.url}' }
  route: { receiver: hook }
  group: { by: [service], wait: 0s, interval: 1s }
  api: { enabled: false }
`,
  });
  // With min_running 1 as the only size, 2 running would be fine: the page says the label won.
  const [fired] = await waitFor(
    'the short pool paged',
    () => heard('firing').length > 0 && heard('firing'),
    120_000,
  );
  expect(fired!.labels).toEqual({ service });
  expect(fired!.value).toBe(2);
  expect(fired!.threshold).toBe(3);
  expect(fired!.summary).toBe(`${service} runs 2 of 3 containers`);

  await replica(3);
  await waitFor('the pool back at 3 resolved', () => heard('resolved').length > 0, 120_000);
});
