/**
 * npm run bench:ship — shipping throughput of the collector's delivery path.
 *
 *   1. lines: LogEvents published on the in-process bus → delivery → Elasticsearch sink
 *      (`_bulk` NDJSON body) → a loopback HTTP receiver that counts documents.
 *   2. samples: MetricSamples → delivery → graphite sink (carbon plaintext over TCP) → a
 *      loopback TCP receiver that counts lines.
 *   3. the same samples → delivery → statsd sink (hot-shots, UDP) → a loopback UDP receiver that
 *      counts datagrams and lines and checks that no line was split between two datagrams.
 *      After the rounds, one pass of SAMPLES into a private real StatsD daemon, for its loss
 *      (bench/ship-statsd-daemon.ts: it cannot keep up, so it is not the measured receiver).
 *
 * End to end = from the first publish to the last bus `done` (every batch acknowledged). The
 * receivers are a child process (bench/ship-receivers.ts) whose CPU is reported apart; with
 * taskset the shipping side is pinned to core 0 and the receivers to core 1.
 *
 *   npm run bench:ship [-- --rounds 5]               env: LINES (1 000 000), SAMPLES (1 000 000),
 *                                                   BATCH (bus batch, 5 000)
 *
 * `npm run bench:ship` starts this file under tsx, which compiles it and what it imports with tsc
 * (bench/lib/compiled.ts, dist/'s settings, into a temporary directory) and runs that JS with plain
 * node, as production runs dist/: under tsx the loader's own thread adds ~34 MiB to the peak RSS.
 * `npm run bench:ship -- --tsx` measures the TypeScript under tsx instead, and says so.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MemoryBus } from '../core/bus/memory';
import { systemClock } from '../core/clock';
import { tuneHeapForEventStreams } from '../core/heap-tuning';
import type { EventOf, MetricSample, Topic } from '../core/events';
import { silentLogger } from '../core/logger';
import { StateStore } from '../core/store/store';
import { DEFAULT_DELIVERY } from '../collector/delivery/config';
import { createDelivery, type Delivery } from '../collector/delivery/delivery';
import { elasticsearchSinkSchema, graphiteSinkSchema, statsdSinkSchema } from '../collector/sinks/config';
import { createSink } from '../collector/sinks/registry';
import type { Sink } from '../collector/sinks/sink';
import {
  cpuSecondsOf,
  ownCpuSeconds,
  peakRssMiB,
  printHeader,
  printSummaries,
  roundsFromArgs,
  runRounds,
} from './lib/report';
import { codeLine, rerunCompiled } from './lib/compiled';
import { logBatches, metricBatches } from './ship-batches';
import { withPrivateStatsd } from './ship-statsd-daemon';

const LINES = Number(process.env.LINES ?? 1_000_000);
const SAMPLES = Number(process.env.SAMPLES ?? 1_000_000);
const BATCH = Number(process.env.BATCH ?? 5000);
/** Run as tsc's output (what production runs: bin/lookout prefers dist/), or from source under tsx. */
const compiled = __filename.endsWith('.js');
const runner = 'npm run bench:ship --'; // the arguments follow, --tsx among them when given

/** Publishes `total` events in cycled batches and waits for every acknowledgement. */
async function publishAll<K extends Topic>(bus: MemoryBus, topic: K, batches: EventOf<K>[][], total: number) {
  const dones: Promise<void>[] = [];
  for (let i = 0, sent = 0; sent < total; i++) {
    const b = batches[i % batches.length]!;
    dones.push((await bus.publish(topic, b)).done);
    sent += b.length;
  }
  await Promise.all(dones);
}

/** Wall, own CPU and the partner's CPU for one publishAll. */
async function measure(partner: ChildProcess, run: () => Promise<void>) {
  const t0 = process.hrtime.bigint();
  const c0 = ownCpuSeconds();
  const p0 = cpuSecondsOf(partner.pid!);
  await run();
  return {
    wall: Number(process.hrtime.bigint() - t0) / 1e9,
    cpu: ownCpuSeconds() - c0,
    partnerCpu: cpuSecondsOf(partner.pid!) - p0,
  };
}

interface Receivers {
  child: ChildProcess;
  http: number;
  tcp: number;
  udp: number;
}

interface Counts {
  lines: number;
  tcpLines: number;
  datagrams: number;
  udpLines: number;
  udpBroken: number;
}

async function startReceivers(): Promise<Receivers> {
  // Compiled (npm run bench:ship) the partner is plain JS too; from source it needs the tsx loader.
  const child = compiled
    ? fork(path.join(__dirname, 'ship-receivers.js'), [], { execArgv: [] })
    : fork(path.join(__dirname, 'ship-receivers.ts'), [], { execArgv: ['--import', 'tsx'] });
  const ports = await new Promise<Omit<Receivers, 'child'>>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Omit<Receivers, 'child'>));
    child.once('exit', (code) => reject(new Error(`receivers exited with ${code}`)));
  });
  try {
    execFileSync('taskset', ['-p', '-c', '1', String(child.pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    console.log('taskset failed or missing: processes not pinned');
  }
  return { child, ...ports };
}

/**
 * A round's clock stops when every event is delivered *or durably spooled*: a sink that failed or
 * timed out (a loaded machine can make a bulk request outlast its timeout) spools the rest, which
 * is fast and would pass for throughput. Such a round is refused with the sink's state.
 */
function refuseSpooled(delivery: Delivery): void {
  for (const s of delivery.state()) {
    if (s.spooledEvents === 0) continue;
    const since = s.failingSince ? `, failing since ${new Date(s.failingSince).toISOString()}` : '';
    throw new Error(
      `the ${s.sink} sink spooled ${s.spooledEvents} events this round${since}: it failed or timed out (a loaded machine?), so the round measured spooling, not delivery`,
    );
  }
}

/** The receivers' counts once they stop moving (UDP datagrams may still be queued to them). */
async function settledCounts(child: ChildProcess): Promise<Counts> {
  const ask = () => {
    child.send('count');
    return new Promise<Counts>((r) => child.once('message', (m) => r(m as Counts)));
  };
  let last = await ask();
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await ask();
    if (now.udpLines === last.udpLines && now.tcpLines === last.tcpLines) return now;
    last = now;
  }
}

/** What the real StatsD daemon makes of one pass at the sink's full rate (see ship-statsd-daemon.ts). */
async function daemonLine(publish: (address: string) => Promise<void>, total: number): Promise<string> {
  const got = await withPrivateStatsd(publish);
  if (got === undefined)
    return 'real StatsD daemon: not installed (bash test/support/services-up.sh), not measured';
  const lost = total - got.received;
  return `real StatsD daemon (private instance, one pass of ${total} samples at full rate): read ${got.received} lines in ${got.packets} datagrams, lost ${lost} (${((100 * lost) / total).toFixed(1)} %), bad lines ${got.badLines}, daemon CPU ${got.cpu.toFixed(2)} s`;
}

/**
 * The live heap after a full GC, and how much of it is the generator's pre-built events (which a
 * collector would not hold: its events come from the tailer and go once acknowledged). Peak RSS
 * follows the live heap: V8 lets the old generation grow to about twice what survived the last GC.
 */
function liveHeapLine(dropGenerator: () => void): string {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  const live = process.memoryUsage().heapUsed;
  dropGenerator();
  gc();
  const generator = live - process.memoryUsage().heapUsed;
  const mib = (x: number) => (x / 2 ** 20).toFixed(0);
  return `collector: live heap after a full GC ${mib(live)} MiB, of which the generator's pre-built events ${mib(generator)} MiB`;
}

async function main(): Promise<void> {
  tuneHeapForEventStreams(); // as the collector's process does (cli/main.ts)
  // From source this includes the tsx loader (a worker thread with its own heap, ~34 MiB), which
  // the compiled CLI does not have.
  const rssAtStart = process.memoryUsage().rss / 2 ** 20;
  const rounds = roundsFromArgs();
  printHeader(
    `${runner} ${process.argv.slice(2).join(' ')} (LINES=${LINES} SAMPLES=${SAMPLES} BATCH=${BATCH})`,
  );
  console.log(codeLine(__filename, 'npm run bench:ship'));
  const recv = await startReceivers();
  const logger = silentLogger();
  const store = StateStore.open(':memory:');
  // A refused event is a lost one here: count them and say why (the first reason of each sink).
  const refused = new Map<string, { events: number; reason: string }>();
  const deadLetter = {
    write(sink: string, items: Array<{ reason: string }>) {
      const r = refused.get(sink) ?? { events: 0, reason: items[0]?.reason ?? '' };
      refused.set(sink, { ...r, events: r.events + items.length });
    },
  };
  const config = { ...DEFAULT_DELIVERY, batch_max_events: BATCH };
  const deps = { logger, clock: systemClock, deadLetter };
  const pipe = (sink: Sink) => {
    const bus = new MemoryBus();
    const delivery = createDelivery({ sinks: [sink], bus, store, config, ...deps });
    return { bus, delivery };
  };
  const publishStatsd = async (address: string, batches: MetricSample[][]) => {
    const p = pipe(createSink(statsdSinkSchema.parse({ type: 'statsd', address }), deps));
    await publishAll(p.bus, 'metric', batches, SAMPLES);
    await p.delivery.close();
  };
  const es = pipe(
    createSink(
      elasticsearchSinkSchema.parse({
        type: 'elasticsearch',
        url: `http://127.0.0.1:${recv.http}`,
        install_template: false,
      }),
      deps,
    ),
  );
  const carbon = pipe(
    createSink(graphiteSinkSchema.parse({ type: 'graphite', address: `127.0.0.1:${recv.tcp}` }), deps),
  );
  const statsd = pipe(
    createSink(statsdSinkSchema.parse({ type: 'statsd', address: `127.0.0.1:${recv.udp}` }), deps),
  );
  const logs = logBatches(Date.now(), BATCH);
  const samples = metricBatches(Date.now(), BATCH);
  await publishAll(es.bus, 'log', logs, BATCH * 4); // warm-up
  await publishAll(carbon.bus, 'metric', samples, BATCH * 4);
  await publishAll(statsd.bus, 'metric', samples, BATCH * 4);

  const summaries = await runRounds(rounds, async () => {
    const l = await measure(recv.child, () => publishAll(es.bus, 'log', logs, LINES));
    const s = await measure(recv.child, () => publishAll(carbon.bus, 'metric', samples, SAMPLES));
    const u = await measure(recv.child, () => publishAll(statsd.bus, 'metric', samples, SAMPLES));
    for (const p of [es, carbon, statsd]) refuseSpooled(p.delivery);
    return {
      'bulk lines/s wall': Math.round(LINES / l.wall),
      'bulk lines per CPU-second (collector)': Math.round(LINES / l.cpu),
      'bulk receiver CPU-seconds': l.partnerCpu,
      'carbon samples/s wall': Math.round(SAMPLES / s.wall),
      'carbon samples per CPU-second (collector)': Math.round(SAMPLES / s.cpu),
      'carbon receiver CPU-seconds': s.partnerCpu,
      'statsd samples/s wall': Math.round(SAMPLES / u.wall),
      'statsd samples per CPU-second (collector)': Math.round(SAMPLES / u.cpu),
      'statsd receiver CPU-seconds': u.partnerCpu,
    };
  });
  await es.delivery.close();
  await carbon.delivery.close();
  await statsd.delivery.close();
  for (const [sink, r] of refused)
    console.log(`dead-lettered by ${sink}: ${r.events} events, first reason: ${r.reason}`);
  const got = await settledCounts(recv.child);
  const wantLines = BATCH * 4 + rounds * Math.ceil(LINES / BATCH) * BATCH;
  if (got.lines !== wantLines)
    throw new Error(`receiver counted ${got.lines} documents, expected ${wantLines}`);
  if (got.udpBroken > 0) throw new Error(`${got.udpBroken} StatsD datagrams ended mid-line`);
  const wantSamples = BATCH * 4 + rounds * Math.ceil(SAMPLES / BATCH) * BATCH;
  console.log(
    `receivers counted ${got.lines} bulk documents, ${got.tcpLines} carbon lines, ${got.udpLines} of ${wantSamples} StatsD lines in ${got.datagrams} datagrams (${(wantSamples / got.datagrams).toFixed(1)} lines each; lost on loopback UDP: ${wantSamples - got.udpLines}) (warm-up included)`,
  );
  printSummaries(summaries);
  console.log(
    `peak RSS: collector ${peakRssMiB().toFixed(0)} MiB (goal < 200), receivers ${peakRssMiB(recv.child.pid).toFixed(0)} MiB`,
  );
  const mem = process.memoryUsage();
  const mib = (x: number) => (x / 2 ** 20).toFixed(0);
  console.log(
    `collector: RSS at start ${rssAtStart.toFixed(0)} MiB (node${compiled ? '' : ' + tsx loader'}); at the end heap used ${mib(mem.heapUsed)} of ${mib(mem.heapTotal)} MiB, external ${mib(mem.external)} MiB (array buffers ${mib(mem.arrayBuffers)})`,
  );
  console.log(await daemonLine((address) => publishStatsd(address, samples), SAMPLES));
  console.log(liveHeapLine(() => ((logs.length = 0), (samples.length = 0))));
  recv.child.kill();
  store.close();
}

rerunCompiled(__filename, [path.join(__dirname, 'ship-receivers.ts')])
  .then((code) => (code === undefined ? main() : process.exit(code)))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
