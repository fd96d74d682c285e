/**
 * A fleet polls each Graphite rule once (issue 14): two alerter replicas (child processes, the
 * Kafka bus and the state hand-off) share the partitions, and a Graphite rule is polled only by
 * the owner of the partition its key maps to. Each replica asks the real graphite-web through
 * its own counting proxy, so the test sees who asked what. The first replica fires every rule
 * alone; the second joins and takes half the rules over, firing (adopted at the split: no second
 * firing, the race of issue 14's follow-up). Then the owner of one rule is killed with SIGKILL:
 * the survivor adopts the rule's firing alert (no second page) and polls the rule.
 * Runs against a real Kafka when KAFKA_BROKERS is set, else the stand-in broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BLIND_RULE } from '../../alerter/graphite/blind';
import { dedupKey } from '../../alerter/engine/state';
import { graphiteRuleRoute } from '../../alerter/graphite/ownership';
import { partitionFor } from '../../core/bus/kafka/topics';
import { newRunId, waitFor } from '../support/docker';
import { startGraphiteProxy, type GraphiteProxy } from '../support/graphite-proxy';
import { startTestBroker, uniquePrefix, type TestBroker } from './support';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = {
  host: process.env.CARBON_HOST ?? '127.0.0.1',
  port: Number(process.env.CARBON_PORT ?? 2003),
};
const PARTITIONS = 6;
const INTERVAL_MS = 2_000;
const p = newRunId('lkf');
/** One rule per partition, so whichever half the second replica is given, some rules move to it. */
const RULE_NAMES = Array.from({ length: PARTITIONS }, (_, part) => {
  for (let n = 0; ; n++)
    if (partitionFor(graphiteRuleRoute(`fleet_deep_${n}`), PARTITIONS) === part) return `fleet_deep_${n}`;
});
const RULES = `rules:
${RULE_NAMES.map(
  (name, i) => `  - name: ${name}
    kind: graphite
    target: '${p}.svc${i}.depth'
    series_labels: {service: 1}
    interval: 2s
    timeout: 2s
    reduce: last
    window: 10s
    threshold: 50
    summary: deep
`,
).join('')}  - name: fleet_broken
    kind: graphite
    target: '${p}.broken.depth'
    interval: 2s
    timeout: 2s
    window: 10s
    threshold: 50
    summary: never answered
`;
/** The proxies refuse this rule's target: its owner, and only its owner, raises the blind meta-alert. */
const BLIND_KEY = dedupKey(BLIND_RULE, { rule: 'fleet_broken' });

interface Replica {
  name: string;
  proc: ChildProcess;
  lines: string[];
  /** Render requests this replica made: when, and for which target. */
  asked: Array<{ at: number; target: string }>;
  proxy: GraphiteProxy;
}

let broker: TestBroker;
let dir: string;
let feeding: NodeJS.Timeout | undefined;
const replicas: Replica[] = [];

const carbon = (lines: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const s = net.connect(CARBON, () => s.end(lines.join('\n') + '\n'));
    s.on('close', () => resolve());
    s.on('error', reject);
  });

/** Forwards every request to the real graphite-web, noting each render target. */
function countingProxy(asked: Replica['asked']): Promise<GraphiteProxy> {
  return startGraphiteProxy(GRAPHITE_URL, (url, res) => {
    const targets = url.searchParams.getAll('target');
    for (const t of targets) asked.push({ at: Date.now(), target: t });
    if (!targets.some((t) => t.includes('.broken.'))) return false;
    res.writeHead(500);
    res.end('refused by the test');
    return true;
  });
}

async function startReplica(
  name: string,
  prefix: string,
  extra: Record<string, string> = {},
): Promise<Replica> {
  const asked: Replica['asked'] = [];
  const proxy = await countingProxy(asked);
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'alerter-replica.ts')], {
    env: {
      ...process.env,
      BROKERS: broker.brokers.join(','),
      PREFIX: prefix,
      RULES: path.join(dir, 'rules'),
      STATE: path.join(dir, `${name}.db`),
      RULES_GRAPHITE_URL: proxy.url,
      // Long enough for the slow first write below: the wait is what is tested, not its bound.
      HANDOVER_WAIT_MS: '12000',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const r: Replica = { name, proc, lines: [], asked, proxy };
  let rest = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    r.lines.push(...parts);
  });
  replicas.push(r);
  return r;
}

/** Partitions a replica holds now, from its A/R lines. */
function owned(r: Replica): Set<number> {
  const s = new Set<number>();
  for (const l of r.lines) {
    const [tag, ps] = l.split(' ');
    if (tag !== 'A' && tag !== 'R') continue;
    for (const n of (ps ?? '').split(',').filter(Boolean).map(Number)) {
      if (tag === 'A') s.add(n);
      else s.delete(n);
    }
  }
  return s;
}

const targetOf = (i: number): string => `${p}.svc${i}.depth`;
const askedFor = (r: Replica, i: number, since = 0) =>
  r.asked.filter((x) => x.target === targetOf(i) && x.at >= since);

interface Transition {
  key: string;
  service: string;
  to: string;
  at: number;
}
const transitions = (r: Replica): Transition[] =>
  r.lines.filter((l) => l.startsWith('T ')).map((l) => JSON.parse(l.slice(2)) as Transition);
/** Firing alerts a replica adopted, from its P lines after line `from`. */
const adopted = (r: Replica, from: number): Array<{ service: string }> =>
  r.lines
    .slice(from)
    .filter((l) => l.startsWith('P '))
    .map((l) => JSON.parse(l.slice(2)) as { service: string });

beforeAll(async () => {
  broker = await startTestBroker();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-graphite-fleet-'));
  fs.mkdirSync(path.join(dir, 'rules'));
  fs.writeFileSync(path.join(dir, 'rules', 'graphite.yaml'), RULES);
  // Deep queues, written now and every second: each rule fires on its first answer.
  const feed = () => {
    const now = Math.floor(Date.now() / 1000);
    void carbon(RULE_NAMES.map((_, i) => `${targetOf(i)} 100 ${now}`)).catch(() => undefined);
  };
  feed();
  feeding = setInterval(feed, 1_000);
});

afterAll(async () => {
  clearInterval(feeding);
  for (const r of replicas) {
    if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
    await r.proxy.close();
  }
  await broker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('each Graphite rule is polled by one replica only; killed, its rules move with their firing alerts', async () => {
  const prefix = uniquePrefix('graphite-fleet');
  // The first replica's first state write is slow: the second one joins while it is out, so the
  // rebalance's load races it (before the fence, the new owner missed it and fired again).
  const a = await startReplica('a', prefix, { FIRST_WRITE_DELAY_MS: '6000' });
  await waitFor('the first replica to own every partition', () => owned(a).size === PARTITIONS, 90_000);
  await waitFor(
    'the first replica to fire a rule',
    () => transitions(a).some((x) => x.to === 'firing'),
    60_000,
  );
  const firedAlone = RULE_NAMES.map((_, i) => i).filter((i) =>
    transitions(a).some((x) => x.service === `svc${i}`),
  );
  expect(a.lines.filter((l) => l.startsWith('S '))).toEqual([]);
  const b = await startReplica('b', prefix);
  await waitFor(
    'the two replicas to split the partitions',
    () => {
      const [oa, ob] = [owned(a), owned(b)];
      return oa.size > 0 && ob.size > 0 && oa.size + ob.size === PARTITIONS;
    },
    90_000,
  );
  // A rule a fired that moved to b at the split came firing: adopted (a P line), not fired again.
  for (const i of firedAlone.filter((k) => owned(b).has(k)))
    expect(adopted(b, 0).filter((x) => x.service === `svc${i}`)).toHaveLength(1);
  const settled = Date.now();
  // Three answers per rule after the split, from whichever replica owns it.
  await waitFor(
    'every rule polled three times since the split',
    () => RULE_NAMES.every((_, i) => askedFor(a, i, settled).length + askedFor(b, i, settled).length >= 3),
    60_000,
  );
  const ownerOf = RULE_NAMES.map((_, i) => {
    const [na, nb] = [askedFor(a, i, settled).length, askedFor(b, i, settled).length];
    // One replica asks, the other never does: graphite-web gets one query per interval, not two.
    expect(Math.min(na, nb)).toBe(0);
    // The owner of the rule's partition (rule i maps to partition i).
    expect(owned(na > 0 ? a : b).has(i)).toBe(true);
    return na > 0 ? a : b;
  });
  for (const [i, owner] of ownerOf.entries()) {
    const times = askedFor(owner, i, settled).map((x) => x.at);
    // The poller waits a whole interval between two queries of a rule (load only lengthens it).
    for (let k = 1; k < times.length; k++)
      expect(times[k]! - times[k - 1]!).toBeGreaterThanOrEqual(INTERVAL_MS - 200);
  }
  // The refused rule: its partition's owner polls it and the other never asks. Its blind
  // meta-alert may have fired before the split (the first replica alone, on a slow machine) and
  // then moved with the rule, adopted: so the owner is read from the partitions, not from which
  // replica fired the meta-alert since the split.
  const brokenPart = partitionFor(graphiteRuleRoute('fleet_broken'), PARTITIONS);
  const brokenOwner = owned(a).has(brokenPart) ? a : b;
  const other = brokenOwner === a ? b : a;
  await waitFor(
    'the blind meta-alert of the refused rule',
    () => [a, b].some((r) => transitions(r).some((x) => x.key === BLIND_KEY && x.to === 'firing')),
    60_000,
  );
  await waitFor(
    'the owner of the refused rule to ask for it since the split',
    () => brokenOwner.asked.some((x) => x.target.includes('.broken.') && x.at >= settled),
    60_000,
  );
  expect(transitions(other).filter((x) => x.key === BLIND_KEY && x.at >= settled)).toEqual([]);
  expect(other.asked.filter((x) => x.target.includes('.broken.') && x.at >= settled)).toEqual([]);
  // Each rule's alert fired, its state in the state topic.
  await waitFor(
    'every rule firing, its state in the state topic',
    () =>
      RULE_NAMES.every((_, i) =>
        [a, b].some((r) => r.lines.some((l) => l.startsWith('S ') && l.includes(`"svc${i}:firing"`))),
      ),
    60_000,
  );

  // Kill the replica that polls the first rule; the other takes its rules and their alerts over.
  const victim = ownerOf[0]!;
  const survivor = victim === a ? b : a;
  const moved = RULE_NAMES.map((_, i) => i).filter((i) => ownerOf[i] === victim);
  victim.proc.kill('SIGKILL');
  const killedAt = Date.now();
  const survivorLinesAtKill = survivor.lines.length;
  await waitFor(
    "the survivor to poll the killed replica's rules twice",
    () => moved.every((i) => askedFor(survivor, i, killedAt).length >= 2),
    90_000,
  );
  expect(owned(survivor).size).toBe(PARTITIONS);
  for (const i of moved) {
    expect(adopted(survivor, survivorLinesAtKill).filter((x) => x.service === `svc${i}`)).toHaveLength(1);
  }
  // Adopted firing, on the split and on the kill alike: every rule fired exactly once, by one
  // replica or the other, and was never fired again nor resolved.
  for (const [i] of RULE_NAMES.entries()) {
    const fired = [...transitions(a), ...transitions(b)].filter((x) => x.service === `svc${i}`);
    expect(fired.map((x) => x.to)).toEqual(['firing']);
  }
});
