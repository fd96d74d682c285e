/**
 * The kill window of the Graphite hand-off (issue 14's follow-up): the owner of a Graphite rule
 * hands a firing to notify and is killed before anything else happens (here notify never returns,
 * so the window stays open until the SIGKILL). The state was written ahead of notify
 * (alerter/runner/write-ahead.ts), so the next owner adopts the alert firing and does not fire
 * it again; before, it found no state and fired it a second time. Replicas are child processes
 * (alerter-replica.ts) on the Kafka stand-in (or KAFKA_BROKERS), asking the real graphite-web.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { newRunId, waitFor } from '../support/docker';
import { startGraphiteProxy, type GraphiteProxy } from '../support/graphite-proxy';
import { owned, startReplicaProcess, type Replica } from './alerter-replica';
import { startTestBroker, uniquePrefix, type TestBroker } from './support';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};
const PARTITIONS = 6;
const TARGET = `${newRunId('lkw')}.svc0.depth`;

let broker: TestBroker;
let dir: string;
let feeding: NodeJS.Timeout | undefined;
const children: Replica[] = [];
const proxies: GraphiteProxy[] = [];

const carbon = (line: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(`${line}\n`));
    s.on('close', () => resolve());
    s.on('error', reject);
  });

/** Forwards to the real graphite-web, counting the render requests. */
async function proxy(asked: { n: number }): Promise<string> {
  const p = await startGraphiteProxy(GRAPHITE_URL, () => {
    asked.n++;
    return false;
  });
  proxies.push(p);
  return p.url;
}

async function replica(
  name: string,
  prefix: string,
  asked: { n: number },
  extra: Record<string, string> = {},
) {
  return startReplicaProcess(
    name,
    {
      BROKERS: broker.brokers.join(','),
      PREFIX: prefix,
      RULES: path.join(dir, 'rules'),
      STATE: path.join(dir, `${name}.db`),
      RULES_GRAPHITE_URL: await proxy(asked),
      ...extra,
    },
    children,
  );
}

const firings = (r: Replica) => r.lines.filter((l) => l.startsWith('T ') && l.includes('"to":"firing"'));
const adoptions = (r: Replica) => r.lines.filter((l) => l.startsWith('P ') && l.includes('"service":"svc0"'));

beforeAll(async () => {
  broker = await startTestBroker();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-kill-window-'));
  fs.mkdirSync(path.join(dir, 'rules'));
  fs.writeFileSync(
    path.join(dir, 'rules', 'graphite.yaml'),
    `rules:
  - name: kill_window_deep
    kind: graphite
    target: '${TARGET}'
    series_labels: {service: 1}
    interval: 1s
    timeout: 2s
    reduce: last
    window: 10s
    threshold: 50
    summary: deep
`,
  );
  const feed = () => void carbon(`${TARGET} 100 ${Math.floor(Date.now() / 1000)}`).catch(() => undefined);
  feed();
  feeding = setInterval(feed, 1_000);
});

afterAll(async () => {
  clearInterval(feeding);
  for (const r of children)
    if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
  for (const p of proxies) await p.close();
  await broker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('killed between handing a firing to notify and anything after, the owner leaves it firing to the next', async () => {
  const prefix = uniquePrefix('graphite-kill');
  const a = await replica('a', prefix, { n: 0 }, { HANG_ON_FIRING: '1' });
  await waitFor('the first replica to fire the rule', () => firings(a).length > 0, 90_000);
  expect(owned(a).size).toBe(PARTITIONS);
  a.proc.kill('SIGKILL');

  const askedB = { n: 0 };
  const b = await replica('b', prefix, askedB);
  await waitFor('the second replica to own every partition', () => owned(b).size === PARTITIONS, 90_000);
  const since = askedB.n;
  await waitFor('the second replica to poll the rule three times', () => askedB.n >= since + 3, 60_000);
  // Adopted firing (one P line), never fired again.
  expect(adoptions(b)).toHaveLength(1);
  expect(firings(b)).toEqual([]);
});
