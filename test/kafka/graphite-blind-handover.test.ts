/**
 * The blind meta-alert moves with its Graphite rule (issue 14's follow-up): the replica that
 * polls a rule graphite-web refuses goes blind and pages PagerDuty (the HTTPS stand-in); it is
 * killed with SIGKILL, graphite-web answers again, and the survivor, which adopted the meta-alert
 * from the state topic, resolves that incident (the same dedup_key) without paging it again.
 * Before, the state lived in the dead owner's memory and the incident stayed open.
 * Two alerter replicas as child processes (alerter-replica.ts) on the Kafka stand-in (or
 * KAFKA_BROKERS), each asking the real graphite-web through its own proxy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BLIND_RULE } from '../../alerter/graphite/blind';
import { graphiteRuleRoute } from '../../alerter/graphite/ownership';
import { dedupKey } from '../../alerter/engine/state';
import { partitionFor } from '../../core/bus/kafka/topics';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../support/pagerduty-standin';
import { newRunId, waitFor } from '../support/docker';
import { startGraphiteProxy, type GraphiteProxy } from '../support/graphite-proxy';
import { owned, startReplicaProcess, type Replica } from './alerter-replica';
import { startTestBroker, uniquePrefix, type TestBroker } from './support';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const PARTITIONS = 6;
const RULE = 'blind_handover';
const TARGET = `${newRunId('lkb')}.queue.depth`;
const BLIND_KEY = dedupKey(BLIND_RULE, { rule: RULE });
const RULE_PARTITION = partitionFor(graphiteRuleRoute(RULE), PARTITIONS);

let broker: TestBroker;
let pd: PagerDutyStandin;
let dir: string;
/** While set, the proxies refuse the rule's target, as a graphite-web that is down. */
let graphiteDown = true;
const children: Replica[] = [];
const proxies: GraphiteProxy[] = [];

/** Forwards to the real graphite-web, or refuses the rule's target while graphiteDown. */
async function proxy(): Promise<string> {
  const p = await startGraphiteProxy(GRAPHITE_URL, (_url, res) => {
    if (!graphiteDown) return false;
    res.writeHead(503);
    res.end('down, says the test');
    return true;
  });
  proxies.push(p);
  return p.url;
}

async function replica(name: string, prefix: string, cert: { certFile: string }): Promise<Replica> {
  return startReplicaProcess(
    name,
    {
      BROKERS: broker.brokers.join(','),
      PREFIX: prefix,
      RULES: path.join(dir, 'rules'),
      STATE: path.join(dir, `${name}.db`),
      RULES_GRAPHITE_URL: await proxy(),
      PD_HOST: pd.server,
      PD_CA: cert.certFile,
      PD_ROUTING_KEY: 'R0UTINGKEY0123456789012345678901',
      BLIND_AFTER: '3',
    },
    children,
  );
}

const events = (action: string) =>
  pd.accepted.filter((e) => e.body.dedup_key === BLIND_KEY && e.body.event_action === action);
const has = (r: Replica, prefix: string, text: string) =>
  r.lines.some((l) => l.startsWith(prefix) && l.includes(text));

beforeAll(async () => {
  broker = await startTestBroker();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-blind-handover-'));
  fs.mkdirSync(path.join(dir, 'rules'));
  fs.writeFileSync(
    path.join(dir, 'rules', 'graphite.yaml'),
    `rules:
  - name: ${RULE}
    kind: graphite
    target: '${TARGET}'
    interval: 1s
    timeout: 1s
    window: 10s
    threshold: 50
    summary: deep
`,
  );
});

afterAll(async () => {
  for (const r of children)
    if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
  for (const p of proxies) await p.close();
  await pd?.close();
  await broker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the owner goes blind and pages; killed, the survivor resolves that page once graphite-web answers', async () => {
  const cert = makeLoopbackCert(path.join(dir));
  pd = await startPagerDutyStandin(cert);
  const prefix = uniquePrefix('graphite-blind');
  const a = await replica('a', prefix, cert);
  const b = await replica('b', prefix, cert);
  await waitFor(
    'the two replicas to split the partitions',
    () => {
      const [oa, ob] = [owned(a), owned(b)];
      return oa.size > 0 && ob.size > 0 && oa.size + ob.size === PARTITIONS;
    },
    90_000,
  );
  const owner = owned(a).has(RULE_PARTITION) ? a : b;
  const survivor = owner === a ? b : a;
  // Blind and paged, its state and what PagerDuty was told written to the state topic.
  await waitFor('the blind meta-alert paged', () => events('trigger').length > 0, 60_000);
  await waitFor(
    "the owner's blind state and its delivery record in the state topic",
    () => has(owner, 'B ', `"${RULE}:firing"`) && has(owner, 'N ', '"receiver":"pd","status":"firing"'),
    60_000,
  );

  const survivorLines = survivor.lines.length;
  owner.proc.kill('SIGKILL');
  graphiteDown = false;
  await waitFor('the survivor to resolve the blind page', () => events('resolve').length > 0, 90_000);

  // The survivor took it over firing, knowing PagerDuty had been told: resolved, not paged again.
  const adopted = survivor.lines
    .slice(survivorLines)
    .filter((l) => l.startsWith('P ') && l.includes(BLIND_KEY));
  expect(adopted).toHaveLength(1);
  expect(JSON.parse(adopted[0]!.slice(2))).toMatchObject({ key: BLIND_KEY, told: ['pd'] });
  expect(events('trigger')).toHaveLength(1);
  expect(events('resolve')).toHaveLength(1);
  expect(has(survivor, 'B ', `"${RULE}:resolved"`)).toBe(true);
});
