/**
 * npm run bench:ship — shipping throughput on one core.
 *
 *   1. lines/s: LogEvents published on the in-process bus → delivery → Elasticsearch sink
 *      (@elastic/elasticsearch client, `_bulk` NDJSON body built as one string, one request
 *      in flight) → a loopback HTTP receiver that counts the lines and answers `errors:false`.
 *   2. samples/s: MetricSamples → delivery → graphite sink (carbon plaintext over TCP) → a
 *      loopback TCP receiver that counts lines.
 *
 * End to end = from the first publish to the last bus `done` (every batch acknowledged).
 * The receivers run in a child process pinned to another core, so what is measured is the
 * shipping side, pinned with taskset to core 0 when taskset exists.
 * Options: LINES (default 1 000 000), SAMPLES (default 1 000 000), BATCH (bus batch, 5 000).
 */
import { execFileSync, fork } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { MemoryBus } from '../core/bus/memory';
import { systemClock } from '../core/clock';
import type { LogEvent, MetricSample, Topic, EventOf } from '../core/events';
import { silentLogger } from '../core/logger';
import { StateStore } from '../core/store/store';
import { DEFAULT_DELIVERY } from '../collector/delivery/config';
import { createDelivery } from '../collector/delivery/delivery';
import { elasticsearchSinkSchema, graphiteSinkSchema } from '../collector/sinks/config';
import { createSink } from '../collector/sinks/registry';

// ---------------------------------------------------------------- receivers (child process)
function receivers(): void {
  let lines = 0;
  const http1 = http.createServer((req, res) => {
    let n = 0;
    req.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) n++;
    });
    req.on('end', () => {
      lines += n / 2;
      const body =
        req.url === '/'
          ? JSON.stringify({ version: { number: '8.19.0' }, tagline: 'You Know, for Search' })
          : '{"took":0,"errors":false,"items":[]}';
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(body);
    });
  });
  let tcpLines = 0;
  const tcp = net.createServer((s) =>
    s.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) tcpLines++;
    }),
  );
  http1.listen(0, '127.0.0.1', () =>
    tcp.listen(0, '127.0.0.1', () => {
      process.send!({
        http: (http1.address() as net.AddressInfo).port,
        tcp: (tcp.address() as net.AddressInfo).port,
      });
    }),
  );
  process.on('message', () => process.send!({ lines, tcpLines }));
}

// ---------------------------------------------------------------- shipping side
const LINES = Number(process.env.LINES ?? 1_000_000);
const SAMPLES = Number(process.env.SAMPLES ?? 1_000_000);
const BATCH = Number(process.env.BATCH ?? 5000);

function meta(i: number) {
  const name = `app-${i}`;
  return {
    id: `${i}`.padStart(64, 'c'),
    name,
    image: 'registry.local/shop/app:1.4.2',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': name },
    service: name,
  };
}

/** Wall seconds and CPU seconds (user + system) of this process, for `total` events. */
async function publishAll<K extends Topic>(
  bus: MemoryBus,
  topic: K,
  batches: EventOf<K>[][],
  total: number,
): Promise<{ wall: number; cpu: number }> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const dones: Promise<void>[] = [];
  let sent = 0;
  for (let i = 0; sent < total; i++) {
    const b = batches[i % batches.length]!;
    dones.push((await bus.publish(topic, b)).done);
    sent += b.length;
  }
  await Promise.all(dones);
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

function report(what: string, n: number, unit: string, r: { wall: number; cpu: number }): void {
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  console.log(
    `${what}: ${n} ${unit} in ${r.wall.toFixed(2)} s wall = ${fmt(n / r.wall)} ${unit}/s; ${r.cpu.toFixed(2)} s CPU = ${fmt(n / r.cpu)} ${unit} per CPU-second`,
  );
}

async function main(): Promise<void> {
  const child = fork(__filename, ['--receivers'], { execArgv: ['--import', 'tsx'] });
  const ports = await new Promise<{ http: number; tcp: number }>((r) =>
    child.once('message', (m) => r(m as { http: number; tcp: number })),
  );
  try {
    execFileSync('taskset', ['-p', '-c', '1', String(child.pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    /* no taskset: unpinned */
  }
  const logger = silentLogger();
  const store = StateStore.open(':memory:');
  const deadLetter = { write() {} };
  const config = { ...DEFAULT_DELIVERY, batch_max_events: BATCH };

  // Pre-built events (what the tailer would hand over), reused in a cycle.
  const containers = Array.from({ length: 20 }, (_, i) => meta(i));
  const t = Date.now();
  const logBatches: LogEvent[][] = Array.from({ length: 40 }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => {
      const off = b * BATCH + i;
      const c = containers[b % containers.length]!;
      return {
        kind: 'log',
        host: 'bench-host',
        ts: t + off,
        container: c,
        stream: 'stdout',
        message: `2026-11-25T10:00:00.000Z INFO  [http-nio-8080-exec-${i % 16}] c.s.shop.OrderController - order ${off} accepted for customer ${off % 9973} in ${off % 250} ms`,
        time: new Date(t + off).toISOString(),
        id: `${c.id.slice(0, 12)}:2049-131${b}:${off * 140}`,
      } satisfies LogEvent;
    }),
  );
  const metricBatches: MetricSample[][] = Array.from({ length: 20 }, (_, b) =>
    Array.from(
      { length: BATCH },
      (_, i) =>
        ({
          kind: 'metric',
          host: 'bench-host',
          ts: t + b * 1000,
          name: ['cpu.percent', 'mem.usage_bytes', 'net.rx_bytes', 'blkio.read_bytes'][i % 4]!,
          value: i * 1.5,
          type: 'gauge',
          container: containers[i % containers.length],
        }) satisfies MetricSample,
    ),
  );

  // 1. lines into _bulk
  {
    const bus = new MemoryBus();
    const sink = createSink(
      elasticsearchSinkSchema.parse({
        type: 'elasticsearch',
        url: `http://127.0.0.1:${ports.http}`,
        install_template: false,
      }),
      { logger, clock: systemClock, deadLetter },
    );
    const d = createDelivery({ sinks: [sink], bus, store, logger, clock: systemClock, config, deadLetter });
    await publishAll(bus, 'log', logBatches, BATCH * 4); // warm-up
    const r = await publishAll(bus, 'log', logBatches, LINES);
    await d.close();
    report(`elasticsearch _bulk (bus batch ${BATCH}, one request in flight)`, LINES, 'lines', r);
  }
  // 2. samples into carbon plaintext
  {
    const bus = new MemoryBus();
    const sink = createSink(
      graphiteSinkSchema.parse({ type: 'graphite', address: `127.0.0.1:${ports.tcp}` }),
      { logger, clock: systemClock, deadLetter },
    );
    const d = createDelivery({ sinks: [sink], bus, store, logger, clock: systemClock, config, deadLetter });
    await publishAll(bus, 'metric', metricBatches, BATCH * 4);
    const r = await publishAll(bus, 'metric', metricBatches, SAMPLES);
    await d.close();
    report('carbon plaintext', SAMPLES, 'samples', r);
  }
  child.send('count');
  const got = await new Promise<{ lines: number; tcpLines: number }>((r) =>
    child.once('message', (m) => r(m as { lines: number; tcpLines: number })),
  );
  console.log(
    `receivers counted ${got.lines} bulk documents and ${got.tcpLines} carbon lines (warm-up included)`,
  );
  console.log(
    `machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    'command: npm run bench:ship   (node --import tsx bench/ship.ts; LINES, SAMPLES, BATCH env to change)',
  );
  child.kill();
  store.close();
}

if (process.argv.includes('--receivers')) receivers();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
