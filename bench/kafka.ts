/**
 * Events per second from a collector-side publisher to an alerter-side consumer group through
 * the Kafka bus, with the STAND-IN broker (test/support/kafka-standin, a test double in a
 * child process) on this machine. Figures are of the bus and kafkajs, not of a real Kafka.
 *
 *   npm run bench:kafka            (= tsx bench/kafka.ts)
 *   npx tsx bench/kafka.ts --events 100000 --compression gzip,none
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { KafkaBus } from '../core/bus/kafka/bus';
import { kafkaBusSchema } from '../core/bus/kafka/config';
import type { LogEvent, MetricSample } from '../core/events';
import { silentLogger } from '../core/logger';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    compression: { type: 'string', default: 'gzip,none' },
    partitions: { type: 'string', default: '6' },
  },
});
const total = Number(values.events);

/** Deterministic noise so the payloads compress like real log lines, not like a repeated template. */
function noise(i: number): string {
  let x = (i + 1) * 2654435761;
  let out = '';
  for (let k = 0; k < 4; k++) {
    x = (x ^ (x >>> 13)) * 1274126177;
    out += (x >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

function makeEvent(i: number): LogEvent | MetricSample {
  const service = `svc${i % 40}`;
  const container = {
    id: `c0ffee${i % 40}`.padEnd(64, '0'),
    name: `${service}-1`,
    image: `registry.local/${service}:1.4.2`,
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service },
    composeProject: 'shop',
    composeService: service,
    service,
  };
  if (i % 5 === 4)
    return {
      kind: 'metric',
      host: 'docker-01',
      ts: 1_700_000_000_000 + i,
      name: 'cpu.percent',
      value: (i % 1000) / 10,
      type: 'gauge',
      container,
    };
  return {
    kind: 'log',
    host: 'docker-01',
    ts: 1_700_000_000_000 + i,
    container,
    stream: 'stdout',
    message: `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO request handled path=/api/orders/${i} request_id=${noise(i)} user=${noise(i * 7).slice(0, 10)} status=200 duration_ms=${i % 300}`,
    time: '2024-05-01T10:00:00.123456789Z',
    id: `${container.id.slice(0, 12)}:123:${i * 120}`,
  };
}

async function startBroker(partitions: number): Promise<{ broker: string; stop: () => void }> {
  const cli = path.join(__dirname, '../test/support/kafka-standin/cli.ts');
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', cli, '--port', '0', '--partitions', String(partitions)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const broker = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      const m = /listening on (\S+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  return { broker, stop: () => void proc.kill('SIGTERM') };
}

async function run(
  compression: 'gzip' | 'none',
): Promise<{ publishRate: number; e2eRate: number; seconds: number }> {
  const partitions = Number(values.partitions);
  const { broker, stop } = await startBroker(partitions);
  const config = kafkaBusSchema.parse({
    brokers: [broker],
    topic_prefix: `bench-${compression}.`,
    group_id: 'bench',
    partitions,
    compression,
    linger: '5ms',
  });
  const producer = new KafkaBus(config, { logger: silentLogger() });
  const consumer = new KafkaBus(config, { logger: silentLogger() });
  try {
    await producer.start();
    let received = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    let assigned = 0;
    let ready!: () => void;
    const joined = new Promise<void>((r) => (ready = r));
    for (const topic of ['log', 'metric'] as const) {
      consumer.subscribe(
        topic,
        'alerter',
        async (events: unknown[]) => {
          received += events.length;
          if (received >= total) resolveAll();
          await Promise.resolve();
        },
        {
          fromBeginning: true,
          onAssigned: (ps) => void ((assigned += ps.length) >= 2 * partitions && ready()),
        },
      );
    }
    await joined;
    const t0 = performance.now();
    const dones: Array<Promise<void>> = [];
    const chunk = 500; // a tailer hands the bus a few hundred lines at a time
    for (let i = 0; i < total; i += chunk) {
      const evs = Array.from({ length: Math.min(chunk, total - i) }, (_, k) => makeEvent(i + k));
      const logs = evs.filter((e): e is LogEvent => e.kind === 'log');
      const metrics = evs.filter((e): e is MetricSample => e.kind === 'metric');
      dones.push(
        (await producer.publish('log', logs)).done,
        (await producer.publish('metric', metrics)).done,
      );
    }
    await Promise.all(dones);
    const tAcked = performance.now();
    await all;
    const tEnd = performance.now();
    return {
      publishRate: total / ((tAcked - t0) / 1000),
      e2eRate: total / ((tEnd - t0) / 1000),
      seconds: (tEnd - t0) / 1000,
    };
  } finally {
    await consumer.close();
    await producer.close();
    stop();
  }
}

async function main(): Promise<void> {
  const sample = Array.from({ length: 1000 }, (_, i) => JSON.stringify(makeEvent(i)));
  const raw = sample.reduce((n, s) => n + s.length, 0) / sample.length;
  const gz = gzipSync(sample.join('')).length / sample.length;
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`);
  const objects = Array.from({ length: 1000 }, (_, i) => makeEvent(i));
  for (const o of objects) JSON.parse(JSON.stringify(o)); // warm up
  const t = performance.now();
  for (const o of objects) JSON.parse(JSON.stringify(o)); // what the bus does per event: encode on one side, decode on the other
  const codecUs = ((performance.now() - t) * 1000) / sample.length;
  console.log(
    `event size: ${raw.toFixed(0)} B JSON, ${gz.toFixed(0)} B gzipped in a batch of 1000; JSON encode+decode ${codecUs.toFixed(1)} µs/event`,
  );
  for (const c of values.compression.split(',') as Array<'gzip' | 'none'>) {
    const r = await run(c);
    console.log(
      `stand-in broker, ${c}: ${total} events (80% logs, 20% metrics), ${values.partitions} partitions, 1 producer -> 1 consumer group member: ` +
        `publish-to-ack ${Math.round(r.publishRate)} events/s, publish-to-consumed ${Math.round(r.e2eRate)} events/s (${r.seconds.toFixed(1)} s)`,
    );
  }
  console.log(
    `command: npx tsx bench/kafka.ts --events ${total} --compression ${values.compression} --partitions ${values.partitions}`,
  );
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
