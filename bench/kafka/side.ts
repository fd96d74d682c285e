/**
 * One side of bench:kafka, run as its own process so its CPU and peak RSS are its own, as in a
 * fleet: `publish` is a collector publishing through the Kafka bus, `consume` one alerter replica
 * reading everything back as a consumer group member. Started by bench/kafka.ts with an IPC
 * channel: it sends `started` when its measured window opens and `result` when it closes.
 */
import { parseArgs } from 'node:util';
import { KafkaBus } from '../../core/bus/kafka/bus';
import { kafkaBusSchema, type KafkaBusConfig } from '../../core/bus/kafka/config';
import { silentLogger } from '../../core/logger';
import { createBusForwardSink } from '../../collector/sinks/kafka';
import { ownCpuSeconds, peakRssMiB } from '../lib/report';
import { makeChunks } from './events';

export interface SideResult {
  type: 'result';
  events: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

const { values } = parseArgs({
  options: {
    side: { type: 'string' },
    broker: { type: 'string' },
    prefix: { type: 'string' },
    events: { type: 'string' },
    chunk: { type: 'string', default: '5000' },
    via: { type: 'string', default: 'sink' },
    partitions: { type: 'string', default: '6' },
    compression: { type: 'string', default: 'gzip' },
  },
});
const total = Number(values.events);

function send(msg: { type: 'started' } | SideResult): void {
  process.send!(msg);
}

function busConfig(): KafkaBusConfig {
  return kafkaBusSchema.parse({
    brokers: [values.broker],
    topic_prefix: values.prefix,
    group_id: 'bench',
    partitions: Number(values.partitions),
    compression: values.compression,
  });
}

/**
 * Publishes `total` events until Kafka acknowledged the last one. `sink`: as a collector does,
 * through its Kafka sink with one delivery batch (`--chunk`, 5000 = delivery's batch_max_events,
 * what it hands over under load) in flight at a time. `bus`: `bus.publish` calls of `--chunk`
 * events per topic without waiting for their acks, as far as the bus's buffer lets them.
 */
async function publishSide(bus: KafkaBus): Promise<SideResult> {
  const chunk = Number(values.chunk);
  const chunks = makeChunks(chunk, Math.min(total, 50_000)); // built before the window: the source's work, not the bus's
  const sink = createBusForwardSink(bus);
  const signal = new AbortController().signal;
  await bus.start();
  send({ type: 'started' });
  const cpu0 = ownCpuSeconds();
  const t0 = performance.now();
  const dones: Array<Promise<void>> = [];
  for (let sent = 0, i = 0; sent < total; sent += chunk, i = (i + 1) % chunks.length) {
    const c = chunks[i]!;
    if (values.via === 'sink') await sink.write(c.all.slice(0, total - sent), signal);
    else dones.push((await bus.publish('log', c.logs)).done, (await bus.publish('metric', c.metrics)).done);
  }
  await Promise.all(dones);
  const seconds = (performance.now() - t0) / 1000;
  return {
    type: 'result',
    events: total,
    seconds,
    cpuSeconds: ownCpuSeconds() - cpu0,
    peakRssMiB: peakRssMiB(),
  };
}

/**
 * Reads every event from the beginning as the one member of a fresh group. The window opens when
 * the group handed out its partitions (joining is start-up, not throughput) and closes when the
 * last event was handled.
 */
async function consumeSide(bus: KafkaBus): Promise<SideResult> {
  let received = 0;
  let cpu0 = 0;
  let t0 = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => (finish = r));
  const onAssigned = (): void => {
    if (t0 !== 0) return;
    cpu0 = ownCpuSeconds();
    t0 = performance.now();
    send({ type: 'started' });
  };
  for (const topic of ['log', 'metric'] as const) {
    bus.subscribe(
      topic,
      'alerter',
      (events: unknown[]) => {
        received += events.length;
        if (received >= total) finish();
        return Promise.resolve();
      },
      { fromBeginning: true, onAssigned },
    );
  }
  await all;
  const seconds = (performance.now() - t0) / 1000;
  return {
    type: 'result',
    events: received,
    seconds,
    cpuSeconds: ownCpuSeconds() - cpu0,
    peakRssMiB: peakRssMiB(),
  };
}

async function main(): Promise<void> {
  const bus = new KafkaBus(busConfig(), { logger: silentLogger() });
  try {
    const result = values.side === 'publish' ? await publishSide(bus) : await consumeSide(bus);
    send(result);
  } finally {
    await bus.close();
  }
}

void main().then(
  () => process.disconnect(),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
