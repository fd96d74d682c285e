/**
 * A single replica killed and started again on its own state store (the same replica, a new
 * run): the hand-over fence finds every partition held by the dead run and, as that is this
 * replica's own previous run (alerter/kafka/replica-id.ts), does not wait for a release that
 * will never come. The wait here is 10 minutes, far past the test's deadline: before, the
 * restarted replica sat out that whole wait on its first assignment. It still adopts the firing
 * alert its previous run left, without firing it again. Child processes (alerter-replica.ts) on
 * the Kafka stand-in (or KAFKA_BROKERS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaBus } from '../../core/bus/kafka/bus';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { waitFor } from '../support/docker';
import { owned, startReplicaProcess, type Replica } from './alerter-replica';
import { container, startTestBroker, testConfig, uniquePrefix, type TestBroker } from './support';

const PARTITIONS = 6;
const SERVICE = 'restarted';
const RULES = `rules:
  - name: restart_hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 5s
    op: '>'
    threshold: 80
    group_by: [service]
    summary: '{{ service }} is hot'
`;

let broker: TestBroker;
let dir: string;
let bus: KafkaBus | undefined;
let publishing: NodeJS.Timeout | undefined;
const children: Replica[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-restart-fence-'));
  fs.mkdirSync(path.join(dir, 'rules'));
  fs.writeFileSync(path.join(dir, 'rules', 'hot.yaml'), RULES);
});

afterAll(async () => {
  clearInterval(publishing);
  for (const c of children)
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await bus?.close().catch(() => undefined);
  await broker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const firings = (r: Replica) => r.lines.filter((l) => l.startsWith('T ') && l.includes('"to":"firing"'));
const adoptions = (r: Replica) => r.lines.filter((l) => l.startsWith('P '));

test('restarted after kill -9 on its own store, a replica does not wait for its dead run to release', async () => {
  const prefix = uniquePrefix('restart-fence');
  bus = new KafkaBus(testConfig(broker.brokers, prefix), { logger: silentLogger() });
  await bus.start();
  const publish = () => {
    const sample: MetricSample = {
      kind: 'metric',
      host: 'h1',
      ts: Date.now(),
      name: 'cpu.percent',
      value: 95,
      type: 'gauge',
      container: container(SERVICE),
    };
    void bus!.publish('metric', [sample]).catch(() => undefined);
  };
  publish();
  publishing = setInterval(publish, 1_000);
  const env = {
    BROKERS: broker.brokers.join(','),
    PREFIX: prefix,
    RULES: path.join(dir, 'rules'),
    STATE: path.join(dir, 'replica.db'),
    HANDOVER_WAIT_MS: String(600_000),
  };
  const first = startReplicaProcess('first', env, children);
  await waitFor('the first run to own every partition', () => owned(first).size === PARTITIONS, 90_000);
  await waitFor('the first run to fire the alert', () => firings(first).length > 0, 60_000);
  // Its state is in the topic (an S line follows the write), then it dies holding every partition.
  await waitFor('the firing state written', () => first.lines.some((l) => l.startsWith('S ')), 60_000);
  first.proc.kill('SIGKILL');

  const again = startReplicaProcess('again', env, children);
  // Well inside the 10-minute wait for a release: it did not wait for its own previous run.
  await waitFor('the restarted run to own every partition', () => owned(again).size === PARTITIONS, 90_000);
  expect(adoptions(again)).toHaveLength(1);
  expect(firings(again)).toEqual([]);
}, 240_000);
