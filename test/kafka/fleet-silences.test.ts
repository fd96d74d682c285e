/**
 * Issue 17: a fleet behaves as one alerter. Three alerter replicas (child processes of
 * alerter-replica.ts, the real notify and API) share the partitions; a silence and an ack
 * written through replica A's API reach B, which owns the alert, and C; B is killed with -9 and
 * the alert's new owner keeps it silent and acked; the silence expired through another
 * replica's API un-mutes it and it is paged. Runs against a real Kafka when KAFKA_BROKERS is
 * set, else against the stand-in broker (test/support/kafka-standin, a test double).
 */
import path from 'node:path';
import { KafkaBus } from '../../core/bus/kafka/bus';
import { partitionFor } from '../../core/bus/kafka/topics';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { waitFor } from '../support/docker';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { owned, startReplicaProcess, type Replica } from './alerter-replica';
import { fleetFixture } from './fleet-fixture';
import { container, testConfig, uniquePrefix } from './support';

const PARTITIONS = 6;
const TOKEN = 'fleet-test-token';
const RULES = `rules:
  - name: fleet_cpu_hot
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

let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let publishing: NodeJS.Timeout | undefined;

const fleet = fleetFixture('fleet-silences', RULES);

beforeAll(async () => {
  hook = await startWebhookReceiver();
});

fleet.afterwards(async () => {
  clearInterval(publishing);
  await hook?.close();
});

function startReplica(name: string, prefix: string): Replica {
  return startReplicaProcess(
    name,
    {
      BROKERS: fleet.broker.brokers.join(','),
      PREFIX: prefix,
      RULES: fleet.rulesDir,
      STATE: path.join(fleet.dir, `${name}.db`),
      HOOK_URL: hook.url,
      API_TOKEN: TOKEN,
    },
    fleet.children,
  );
}

const apiOf = (r: Replica): string | undefined => r.lines.find((l) => l.startsWith('API '))?.slice(4);

async function api(r: Replica, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${apiOf(r)}${route}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${route} on ${r.name}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

type ApiAlert = { key: string; status: string; muted: string | null; acked: boolean };
const alertOn = async (r: Replica, key: string): Promise<ApiAlert | undefined> =>
  ((await api(r, 'GET', '/api/v1/alerts')) as ApiAlert[]).find((a) => a.key === key);
const silenceIds = async (r: Replica): Promise<string[]> =>
  ((await api(r, 'GET', '/api/v1/silences')) as Array<{ id: string }>).map((s) => s.id);

/** Pages the webhook receiver got for `service`. */
function pages(service: string): number {
  return hook.received.filter((h) =>
    ((h.body as { firing?: Array<{ labels: Record<string, string> }> }).firing ?? []).some(
      (a) => a.labels.service === service,
    ),
  ).length;
}

/** A service whose partition `r` owns. */
function serviceOwnedBy(r: Replica, tag: string): string {
  for (let i = 0; ; i++) if (owned(r).has(partitionFor(`${tag}${i}`, PARTITIONS))) return `${tag}${i}`;
}

test('a silence and an ack written on A hold for the alert B owns, for its next owner after kill -9 of B, and the silence expired on another replica un-mutes it', async () => {
  const prefix = uniquePrefix('fleet-silences');
  const bus = new KafkaBus(testConfig(fleet.broker.brokers, prefix), { logger: silentLogger() });
  await bus.start();
  const [a, b, c] = ['fa', 'fb', 'fc'].map((n) => startReplica(n, prefix)) as [Replica, Replica, Replica];
  // A replica that dies at start fails the test now rather than at the deadline.
  const died = new Promise<never>((_, reject) => {
    for (const r of [a, b, c])
      r.proc.once('exit', (code) => reject(new Error(`replica ${r.name} exited with ${code} at start`)));
  });
  died.catch(() => undefined);
  await Promise.race([
    died,
    waitFor(
      'the three replicas to split the partitions, their APIs up',
      () =>
        [a, b, c].every((r) => owned(r).size > 0 && apiOf(r)) &&
        owned(a).size + owned(b).size + owned(c).size === PARTITIONS,
      120_000,
    ),
  ]);
  const quiet = serviceOwnedBy(b, 'quiet');
  const loud = serviceOwnedBy(b, 'loud');
  const silence = (await api(a, 'POST', '/api/v1/silences', {
    matchers: [`service=${quiet}`],
    for: '1h',
    comment: 'fleet test: maintenance',
  })) as { id: string };
  // Listed by every replica's API, not only the writer's.
  for (const r of [b, c])
    await waitFor(
      `${r.name} to list the silence`,
      async () => (await silenceIds(r)).includes(silence.id),
      30_000,
    );

  const publish = () => {
    const events: MetricSample[] = [quiet, loud].map((s) => ({
      kind: 'metric',
      host: 'h1',
      ts: Date.now(),
      name: 'cpu.percent',
      value: 95,
      type: 'gauge',
      container: container(s),
    }));
    void bus.publish('metric', events).catch(() => undefined);
  };
  publish();
  publishing = setInterval(publish, 1_000);
  const firingKey = (): string | undefined =>
    b.lines
      .filter((l) => l.startsWith('T '))
      .map((l) => JSON.parse(l.slice(2)) as { key: string; service: string; to: string })
      .find((t) => t.service === quiet && t.to === 'firing')?.key;
  await waitFor(`${quiet} firing on B`, () => firingKey() !== undefined, 90_000);
  const key = firingKey()!;
  await waitFor(
    `B to mute ${quiet} by A's silence`,
    async () => (await alertOn(b, key))?.muted === `silence:${silence.id}`,
    60_000,
  );
  // The control: B's notify pages what is not silenced.
  await waitFor(`${loud} paged`, () => pages(loud) > 0, 60_000);
  expect(pages(quiet)).toBe(0);
  await api(a, 'POST', `/api/v1/alerts/${encodeURIComponent(key)}/ack`, {
    by: 'fleet-test',
    comment: 'on it',
  });
  await waitFor(`B to hold A's ack`, async () => (await alertOn(b, key))?.acked === true, 30_000);

  const partition = partitionFor(quiet, PARTITIONS);
  b.proc.kill('SIGKILL');
  await waitFor(
    "A and C to share B's partitions",
    () => owned(a).size + owned(c).size === PARTITIONS,
    120_000,
  );
  const heir = owned(c).has(partition) ? c : a;
  await waitFor(
    `${heir.name} to adopt ${quiet} muted and acked`,
    async () => {
      const x = await alertOn(heir, key);
      return x?.muted === `silence:${silence.id}` && x.acked;
    },
    90_000,
  );
  expect(pages(quiet)).toBe(0);

  // Expired through the replica that neither wrote it nor owns the alert.
  const other = heir === c ? a : c;
  await api(other, 'DELETE', `/api/v1/silences/${silence.id}`);
  for (const r of [a, c])
    await waitFor(
      `${r.name} to drop the expired silence`,
      async () => (await silenceIds(r)).length === 0,
      30_000,
    );
  await waitFor(`${quiet} paged once its silence expired`, () => pages(quiet) > 0, 60_000);
  clearInterval(publishing);
  await bus.close();
}, 420_000);
