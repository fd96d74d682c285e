/**
 * A single replica killed and started again on its own state store (the same replica, a new
 * run): the hand-over fence finds every partition held by the dead run and, as that is this
 * replica's own previous run (alerter/kafka/replica-id.ts), does not wait for a release that
 * will never come. The wait here is 10 minutes, far past the test's deadline: before, the
 * restarted replica sat out that whole wait on its first assignment. It still adopts the firing
 * alert its previous run left, without firing it again. Child processes (alerter-replica.ts) on
 * the Kafka stand-in (or KAFKA_BROKERS).
 */
import path from 'node:path';
import { KafkaBus } from '../../core/bus/kafka/bus';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { waitFor } from '../support/docker';
import { owned, startReplicaProcess, type Replica } from './alerter-replica';
import { fleetFixture } from './fleet-fixture';
import { container, testConfig, uniquePrefix } from './support';

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

let bus: KafkaBus | undefined;
let publishing: NodeJS.Timeout | undefined;

const fleet = fleetFixture('restart-fence', RULES);

fleet.afterwards(async () => {
  clearInterval(publishing);
  await bus?.close().catch(() => undefined);
});

const firings = (r: Replica) => r.lines.filter((l) => l.startsWith('T ') && l.includes('"to":"firing"'));
const adoptions = (r: Replica) => r.lines.filter((l) => l.startsWith('P '));

test('restarted after kill -9 on its own store, a replica does not wait for its dead run to release', async () => {
  const prefix = uniquePrefix('restart-fence');
  bus = new KafkaBus(testConfig(fleet.broker.brokers, prefix), { logger: silentLogger() });
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
    BROKERS: fleet.broker.brokers.join(','),
    PREFIX: prefix,
    RULES: fleet.rulesDir,
    STATE: path.join(fleet.dir, 'replica.db'),
    HANDOVER_WAIT_MS: String(600_000),
  };
  const first = startReplicaProcess('first', env, fleet.children);
  await waitFor('the first run to own every partition', () => owned(first).size === PARTITIONS, 90_000);
  await waitFor('the first run to fire the alert', () => firings(first).length > 0, 60_000);
  // Its state is in the topic (an S line follows the write), then it dies holding every partition.
  await waitFor('the firing state written', () => first.lines.some((l) => l.startsWith('S ')), 60_000);
  first.proc.kill('SIGKILL');

  const again = startReplicaProcess('again', env, fleet.children);
  // Well inside the 10-minute wait for a release: it did not wait for its own previous run.
  await waitFor('the restarted run to own every partition', () => owned(again).size === PARTITIONS, 90_000);
  expect(adoptions(again)).toHaveLength(1);
  expect(firings(again)).toEqual([]);
}, 240_000);
