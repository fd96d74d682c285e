/**
 * Nothing lost, with the real parts: 5 containers on the real Docker engine print numbered lines
 * at about 1 000 lines/s each; the real collector (`bin/lookout collect`, a child process with
 * its own state store) ships them to the Elasticsearch stand-in (TEST DOUBLE) and the samples
 * of those containers to a private real carbon-cache. Both backends stop for 60 s while the
 * containers log, then come back on the same ports. Every numbered line of every container is
 * then in the stand-in exactly once (by `_id`, and by (container, seq)), the containers' samples
 * are in whisper at their own seconds with no gap during the outage, and the collector's RSS
 * stayed under the ceiling. The second case kills the collector with -9 during the outage, and
 * again while it drains the spool once the backends are back, each time starting it again on the
 * same state store: the repeats the second kill causes are absorbed by `_id`.
 *
 * The collector reads every container of the shared engine (as a collector with the default
 * `docker.exclude` does), so assertions look only at this run's containers, by name.
 * test/shipping/outage.test.ts covers the delivery layer alone with synthetic containers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ElasticsearchStandin } from '../support/elasticsearch-standin';
import { PrivateCarbon } from '../support/carbon-private';
import { newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import {
  awaitAllLines,
  awaitSamples,
  configFor,
  BATCHES,
  CONTAINERS,
  expectExactlyOnce,
  LINES,
  noDeadLetters,
  OUTAGE_MS,
  RSS_CEILING,
  rssReport,
  SPILL_AFTER_S,
  STATS_INTERVAL_S,
  type SampleWindow,
} from './outage-collector-scenario';
import { LineLedger, rssOf, RssSampler, scrapeSinkGauges } from './support-outage';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runId = newRunId('outc');
const caseIds: string[] = [];
let es: ElasticsearchStandin;
let carbon: PrivateCarbon;
let root: string;
const ledgers = new Set<LineLedger>();
const procs = new Set<LookoutProcess>();
const samplers = new Set<RssSampler>();

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-outage-collector-'));
  es = new ElasticsearchStandin();
  // Hundreds of thousands of documents: ids only; the ledger reads each item as it comes in.
  es.keepSource = false;
  es.itemFault = (doc, id, index) => {
    for (const l of ledgers) l.observe(doc, id, index);
    return undefined;
  };
  await es.start();
  carbon = await PrivateCarbon.create();
  await carbon.start();
}, 60_000);

afterAll(async () => {
  for (const r of samplers) r.stop();
  for (const p of procs) await p.stop('SIGKILL');
  for (const c of caseIds) await removeTestContainers(c);
  await es?.stop();
  await carbon?.destroy();
  fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

interface Collector {
  proc: LookoutProcess;
  metricsUrl: string;
  rss: RssSampler;
  idleRss: number;
}

/** `lookout collect` on the case's state folder (the same one again after a kill). */
async function startCollector(caseId: string, dir: string): Promise<Collector> {
  const proc = startLookout({
    args: ['collect'],
    config: configFor({ runId, caseId, dir, esUrl: es.url, carbonPort: carbon.port }),
    dir,
  });
  procs.add(proc);
  const listening = await proc.waitForLog(
    'the /metrics endpoint',
    (l) => l.msg === 'health endpoints /healthz and /metrics listening',
    90_000,
  );
  await proc.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000);
  const rss = new RssSampler(proc.child.pid!);
  samplers.add(rss);
  return { proc, metricsUrl: String(listening.url), rss, idleRss: rssOf(proc.child.pid!) };
}

async function startLoggers(caseId: string): Promise<string[]> {
  const names = Array.from({ length: CONTAINERS }, (_, k) => `${caseId}-c${k}`);
  const script = `i=0; b=0; while [ $b -lt ${BATCHES} ]; do j=0; while [ $j -lt 100 ]; do echo "$N seq=$i"; i=$((i+1)); j=$((j+1)); done; b=$((b+1)); usleep 100000; done; exec sleep 3600`;
  for (const name of names)
    await runContainer({ runId: caseId, name, args: ['-e', `N=${name}`], cmd: ['sh', '-c', script] });
  return names;
}

const gauge = async (c: Collector, metric: string, sink: string) =>
  (await scrapeSinkGauges(c.metricsUrl)).get(`${metric}/${sink}`) ?? 0;

const series = (name: string, metric: string) => `lookout.${runId}.${name}.${metric}`;

/** Until the spool of both sinks is empty (what was spooled during the outage is delivered). */
async function awaitDrained(c: Collector): Promise<void> {
  await waitFor(
    'both spools empty',
    async () =>
      (await gauge(c, 'lookout_spool_events', 'elasticsearch')) === 0 &&
      (await gauge(c, 'lookout_spool_events', 'graphite')) === 0,
    120_000,
    500,
  );
}

/** Common start of both cases: collector, containers, first lines and samples through. */
async function begin(tag: string) {
  const caseId = `${runId}${tag}`;
  caseIds.push(caseId);
  const dir = fs.mkdtempSync(path.join(root, `${tag}-`));
  const ledger = new LineLedger(
    es,
    `${caseId}-logs`,
    Array.from({ length: CONTAINERS }, (_, k) => `${caseId}-c${k}`),
    LINES,
  );
  ledgers.add(ledger);
  const collector = await startCollector(caseId, dir);
  const from = Math.floor(Date.now() / 1000);
  const names = await startLoggers(caseId);
  await waitFor(
    'first lines of every container delivered',
    () => [...ledger.arrived().values()].every((n) => n >= 1000),
    90_000,
    200,
  );
  await waitFor(
    'first samples of every container in whisper',
    async () => {
      for (const n of names)
        if ((await carbon.points(series(n, 'mem.usage_bytes'), from - 5, from + 600)).size === 0)
          return false;
      return true;
    },
    90_000,
    500,
  );
  return { caseId, dir, ledger, collector, names, from };
}

async function outageStart(): Promise<number> {
  await es.stop();
  await carbon.stop();
  return Date.now();
}

async function outageEnd(startedAt: number): Promise<number> {
  // The outage itself is the subject: 60 s by the clock.
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - startedAt)));
  await es.start();
  await carbon.start();
  return Date.now();
}

async function finish(caseId: string, collectors: Collector[], ledger: LineLedger): Promise<void> {
  for (const c of collectors) c.rss.stop();
  const last = collectors.at(-1)!;
  expect(await last.proc.stop()).toBe(0);
  procs.delete(last.proc);
  ledgers.delete(ledger);
  ledger.release();
  await removeTestContainers(caseId);
}

test('both backends down for 60 s: every line once by _id, every sample at its own second, RSS bounded', async () => {
  const { caseId, dir, ledger, collector, names, from } = await begin('a');
  const t0 = Date.now();
  const started = await outageStart();
  await waitFor(
    'lines spooled during the outage',
    async () => (await gauge(collector, 'lookout_spool_events', 'elasticsearch')) > 10_000,
    60_000,
    500,
  );
  await waitFor(
    'samples spooled during the outage',
    async () => (await gauge(collector, 'lookout_spool_events', 'graphite')) > 0,
    60_000,
    500,
  );
  const ended = await outageEnd(started);
  await awaitAllLines(ledger, 240_000);
  await awaitDrained(collector);
  const w: SampleWindow = {
    from,
    outStart: Math.ceil(started / 1000),
    outEnd: Math.floor(ended / 1000),
    until: Math.floor(Date.now() / 1000),
    losses: [],
  };
  await awaitSamples(carbon, series, names, w);
  expectExactlyOnce(ledger);
  noDeadLetters(dir);
  console.log(
    `outage-collector a: ${CONTAINERS}×${LINES} lines, ${ledger.replays} repeats absorbed by _id; ${((Date.now() - t0) / 1000).toFixed(0)} s from outage to verified; ${rssReport([collector], started, ended)}`,
  );
  await finish(caseId, [collector], ledger);
  expect(collector.rss.max).toBeLessThan(RSS_CEILING);
}, 330_000);

/** kill -9, then `lookout collect` again on the same state; the stretch (s) its samples may miss. */
async function killAndRestart(
  c: Collector,
  caseId: string,
  dir: string,
): Promise<{ again: Collector; loss: [number, number]; restartedAt: number }> {
  const killedAt = Date.now();
  c.proc.child.kill('SIGKILL');
  await c.proc.exited;
  c.rss.stop();
  procs.delete(c.proc);
  const again = await startCollector(caseId, dir);
  const restartedAt = Date.now();
  // Samples held in memory at the kill (at most spill_after's worth while a backend is down, the
  // batch in flight otherwise) die with the process, and none are taken until the new one runs.
  const loss: [number, number] = [
    Math.floor(killedAt / 1000) - SPILL_AFTER_S - 2,
    Math.ceil(restartedAt / 1000) + 2 * STATS_INTERVAL_S + 2,
  ];
  return { again, loss, restartedAt };
}

test('kill -9 of the collector during the outage and again while it drains: every line arrives once by _id', async () => {
  const { caseId, dir, ledger, collector, names, from } = await begin('b');
  const t0 = Date.now();
  const started = await outageStart();
  await waitFor(
    'lines spooled during the outage',
    async () => (await gauge(collector, 'lookout_spool_events', 'elasticsearch')) > 20_000,
    60_000,
    500,
  );
  const first = await killAndRestart(collector, caseId, dir);
  // The spool survived the kill, and the new process spools on top of it.
  const survived = await gauge(first.again, 'lookout_spool_events', 'elasticsearch');
  expect(survived).toBeGreaterThan(20_000);
  await waitFor(
    'the restarted collector spooling',
    async () => (await gauge(first.again, 'lookout_spool_events', 'elasticsearch')) > survived,
    60_000,
    500,
  );
  const ended = await outageEnd(started);
  expect(ended - first.restartedAt).toBeGreaterThan(5_000); // the restart happened inside the outage
  // Once more while the spool drains: batches in flight and lines delivered but not yet
  // checkpointed are sent again by the next process, and `_id` must absorb them.
  const atEnd = await gauge(first.again, 'lookout_spool_events', 'elasticsearch');
  await waitFor(
    'the spool draining',
    async () => (await gauge(first.again, 'lookout_spool_events', 'elasticsearch')) < atEnd * 0.7,
    120_000,
    100,
  );
  const second = await killAndRestart(first.again, caseId, dir);
  await awaitAllLines(ledger, 240_000);
  await awaitDrained(second.again);
  const w: SampleWindow = {
    from,
    outStart: Math.ceil(started / 1000),
    outEnd: Math.floor(ended / 1000),
    until: Math.floor(Date.now() / 1000),
    losses: [first.loss, second.loss],
  };
  await awaitSamples(carbon, series, names, w);
  expectExactlyOnce(ledger);
  noDeadLetters(dir);
  const all = [collector, first.again, second.again];
  const maxRss = Math.max(...all.map((c) => c.rss.max));
  console.log(
    `outage-collector b: ${CONTAINERS}×${LINES} lines, ${ledger.replays} repeats absorbed by _id, ${survived} events spooled across the first kill, ${atEnd} when the outage ended; ${((Date.now() - t0) / 1000).toFixed(0)} s from outage to verified; ${rssReport(all, started, ended)}`,
  );
  await finish(caseId, all, ledger);
  expect(maxRss).toBeLessThan(RSS_CEILING);
}, 330_000);
