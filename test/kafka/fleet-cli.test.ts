/**
 * Issue 18: the operator's commands work against any replica of a fleet. Three real
 * `lookout alert` replicas on the Kafka bus (the stand-in, or a real broker with KAFKA_BROKERS);
 * the test publishes a hot service's CPU onto the bus, one replica owns its alert, and
 * `lookout alerts` asked of each replica lists that same firing alert; `lookout status --check`
 * against each says OK, each holding its share of the partitions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaBus } from '../../core/bus/kafka/bus';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { waitFor } from '../support/docker';
import { lookoutCli } from '../support/lookout-cli';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { container, startTestBroker, testConfig, uniquePrefix, type TestBroker } from './support';

const prefix = uniquePrefix('fleet-cli');
const groupId = prefix.replace(/\.$/, '');
const service = `hot-${process.pid}`;
const RULES = `rules:
  - name: fleet_cli_cpu_hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 10s
    op: '>'
    threshold: 80
    group_by: [service, host]
    severity: warning
    summary: '{{ service }} is hot'
`;

interface Replica {
  proc: LookoutProcess;
  api: string;
  metrics: string;
}

let broker: TestBroker;
let dir: string;
let bus: KafkaBus | undefined;
let publishing: NodeJS.Timeout | undefined;
const replicas: Replica[] = [];

async function startReplica(name: string): Promise<Replica> {
  const proc = startLookout({
    args: ['alert'],
    dir: fs.mkdtempSync(path.join(dir, `${name}-`)),
    config: `bus:
  type: kafka
  kafka:
    brokers: [${broker.brokers.map((b) => `'${b}'`).join(', ')}]
    topic_prefix: ${prefix}
    group_id: ${groupId}
    session_timeout: 6s
    heartbeat_interval: 1s
    rebalance_timeout: 10s
alerter:
  rules: ['${path.join(dir, 'rules')}']
  eval_interval: 1s
notify:
  api: { listen: '127.0.0.1:0' }
`,
  });
  const api = await proc.waitForLog('the API', (l) => l.msg === 'alerter API listening', 90_000);
  const health = await proc.waitForLog('/metrics', (l) => String(l.msg).startsWith('health endpoints'));
  return { proc, api: `http://127.0.0.1:${api.port as number}`, metrics: health.url as string };
}

beforeAll(async () => {
  broker = await startTestBroker();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-fleet-cli-'));
  fs.mkdirSync(path.join(dir, 'rules'));
  fs.writeFileSync(path.join(dir, 'rules', 'hot.yaml'), RULES);
  // One at a time: each waits for the topics the first one creates.
  for (const name of ['a', 'b', 'c']) replicas.push(await startReplica(name));
}, 300_000);

afterAll(async () => {
  clearInterval(publishing);
  await bus?.close();
  await Promise.all(replicas.map((r) => r.proc.stop()));
  await broker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const check = (r: Replica) => lookoutCli(['status', '--check', '--metrics', r.metrics, '--api', r.api]);

test('every replica: status --check OK with its share of the partitions; lookout alerts lists the same firing alert', async () => {
  // Each replica in the group with partitions of its own: OK, and its /healthz bus check clean.
  for (const r of replicas)
    await waitFor(
      'a replica OK and assigned',
      async () => {
        const res = await check(r);
        const screen = await lookoutCli(['status', '--metrics', r.metrics, '--api', r.api]);
        return res.code === 0 && /\.alerter: [1-9]\d* topic-partitions assigned/.test(screen.stdout) && res;
      },
      120_000,
      1000,
    );

  bus = new KafkaBus(testConfig(broker.brokers, prefix), { logger: silentLogger() });
  await bus.start();
  const publish = () => {
    const e: MetricSample = {
      kind: 'metric',
      host: 'h1',
      ts: Date.now(),
      name: 'cpu.percent',
      value: 95,
      type: 'gauge',
      container: container(service),
    };
    void bus!.publish('metric', [e]).catch(() => undefined);
  };
  publish();
  publishing = setInterval(publish, 1_000);

  const lines = await Promise.all(
    replicas.map((r, i) =>
      waitFor(
        `replica ${i} to list the hot service firing`,
        async () => {
          const res = await lookoutCli(['alerts', '--api', r.api, `service=${service}`]);
          const line = res.stdout.split('\n').find((l) => l.includes('fleet_cli_cpu_hot'));
          return res.code === 0 && line?.startsWith('firing') && line;
        },
        120_000,
        1000,
      ),
    ),
  );
  // The same alert (state, severity, rule, labels) from every replica, whichever owns it; SINCE
  // is relative to each call, compared below through the JSON's firedAt.
  const head = (l: string) => l.split(/ +/).slice(0, 4).join(' ');
  expect(new Set(lines.map(head)).size).toBe(1);
  expect(lines[0]).toMatch(new RegExp(`^firing +warning +fleet_cli_cpu_hot +\\S*service=${service}`));

  const rows = await Promise.all(
    replicas.map(async (r) => {
      const res = await lookoutCli(['alerts', '--api', r.api, '-o', 'json', `service=${service}`]);
      const all = JSON.parse(res.stdout) as Array<{
        key: string;
        status: string;
        alert: { firedAt?: number };
      }>;
      return all.filter((x) => x.status === 'firing').map((x) => `${x.key} ${x.alert.firedAt}`);
    }),
  );
  expect(rows[0]).toHaveLength(1);
  expect(rows[1]).toEqual(rows[0]);
  expect(rows[2]).toEqual(rows[0]);

  for (const r of replicas) expect((await check(r)).code).toBe(0);
}, 420_000);
