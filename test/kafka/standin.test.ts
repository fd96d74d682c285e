/**
 * The Kafka stand-in (a test double) against kafkajs itself: what kafkajs produces, the
 * stand-in stores as sent and kafkajs reads back; groups resume from committed offsets; the
 * log survives a stop/start; a cluster that forbids CreateTopics gives the bus a clear error.
 */
import { CompressionTypes, Kafka, logLevel, type EachMessagePayload } from 'kafkajs';
import { KafkaBus } from '../../core/bus/kafka/bus';
import { KafkaTopicsError } from '../../core/bus/kafka/admin';
import { silentLogger } from '../../core/logger';
import { crc32c } from '../support/kafka-standin/codec';
import { PartitionLog } from '../support/kafka-standin/log';
import { KafkaStandin } from '../support/kafka-standin/server';
import { waitFor } from '../support/docker';
import { TransientDeliveryError } from '../../core/errors';
import { logEvent, testConfig } from './support';

let standin: KafkaStandin;
let kafka: Kafka;

beforeAll(async () => {
  standin = await new KafkaStandin({ topics: { t: 3 } }).start();
  kafka = new Kafka({ clientId: 'standin-test', brokers: [standin.broker], logLevel: logLevel.NOTHING });
});
afterAll(async () => {
  await standin.stop();
});

async function consumeAll(groupId: string, topic: string, count: number): Promise<EachMessagePayload[]> {
  const got: EachMessagePayload[] = [];
  const c = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  await c.run({ eachMessage: (p) => Promise.resolve(void got.push(p)) });
  try {
    await waitFor(`${count} messages`, () => got.length >= count);
  } finally {
    await c.disconnect();
  }
  return got;
}

test.each([
  ['gzip', CompressionTypes.GZIP],
  ['none', CompressionTypes.None],
])(
  'kafkajs produce and consume round trip (%s), batches stored as sent with rewritten base offsets',
  async (_name, compression) => {
    const topic = `rt-${compression}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    for (let b = 0; b < 3; b++) {
      const res = await p.send({
        topic,
        compression,
        messages: [0, 1, 2].map((i) => ({
          key: 'k',
          value: `v${b * 3 + i}`,
          partition: 1,
          timestamp: String(1000 + i),
          headers: { h: `x${i}` },
        })),
      });
      expect(res[0]!.baseOffset).toBe(String(b * 3));
    }
    await p.disconnect();

    const stored = standin.batches(topic, 1);
    expect(stored).toHaveLength(3);
    stored.forEach((b, i) => {
      expect(Number(b.readBigInt64BE(0))).toBe(i * 3);
      expect(crc32c(b.subarray(21))).toBe(b.readUInt32BE(17));
    });

    const got = await consumeAll(`g-${topic}`, topic, 9);
    expect(
      got.map((m) => [m.partition, m.message.offset, m.message.key?.toString(), m.message.value?.toString()]),
    ).toEqual(Array.from({ length: 9 }, (_, i) => [1, String(i), 'k', `v${i}`]));
    expect(got[1]!.message.headers?.h?.toString()).toBe('x1');
    expect(got[2]!.message.timestamp).toBe('1002');
  },
);

test('a retried idempotent batch is answered with its first offset and stored once', () => {
  const batch = Buffer.from(standin.batches('rt-1', 1)[0]!); // made by an idempotent producer
  expect(batch.readBigInt64BE(43)).toBeGreaterThanOrEqual(0n);
  const log = new PartitionLog();
  expect(log.append(batch)).toEqual({ error: 0, baseOffset: 0 });
  expect(log.append(batch)).toEqual({ error: 0, baseOffset: 0 });
  expect(log.batches).toHaveLength(1);
  const corrupt = Buffer.from(batch);
  corrupt[corrupt.length - 1]! ^= 0xff;
  expect(new PartitionLog().append(corrupt).error).toBe(2);
});

test('a group resumes from its committed offset; the log and offsets survive stop and start', async () => {
  const p = kafka.producer();
  await p.connect();
  await p.send({
    topic: 't',
    messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
  });
  await p.disconnect();
  const first = await consumeAll('resume', 't', 10);
  expect(first).toHaveLength(10);

  const port = standin.port;
  await standin.stop();
  await standin.start();
  expect(standin.port).toBe(port);

  const p2 = kafka.producer();
  await p2.connect();
  await p2.send({ topic: 't', messages: [{ key: 'late', value: 'after-restart' }] });
  await p2.disconnect();
  const second = await consumeAll('resume', 't', 1);
  expect(second.map((m) => m.message.value?.toString())).toEqual(['after-restart']);
});

test('a cluster that forbids creating topics: the bus says which topics are missing', async () => {
  const locked = await new KafkaStandin({ allowCreateTopics: false }).start();
  const bus = new KafkaBus(testConfig([locked.broker], 'locked.'), { logger: silentLogger() });
  try {
    const err = await bus.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaTopicsError);
    expect((err as Error).message).toMatch(/locked\.logs.*not authorised/);
  } finally {
    await bus.close();
    await locked.stop();
  }
});

test('done rejects, retriable, only once the delivery timeout has passed; publish waits while the buffer is full', async () => {
  const gone = await new KafkaStandin().start();
  const bus = new KafkaBus(
    testConfig([gone.broker], 'gone.', { delivery_timeout: '3s', max_buffered_events: 4 }),
    { logger: silentLogger() },
  );
  try {
    await bus.start();
    await gone.stop();
    const started = Date.now();
    const first = await bus.publish(
      'log',
      [0, 1, 2, 3].map((i) => logEvent('api', i)),
    );
    let secondQueued = false;
    const second = bus.publish('log', [logEvent('api', 4)]).then((r) => {
      secondQueued = true;
      return r;
    });
    const err = await first.done.catch((e: unknown) => {
      expect(secondQueued).toBe(false); // the full buffer held it back until now
      return e;
    });
    expect(err).toBeInstanceOf(TransientDeliveryError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000); // within jitter of the 3 s timeout: not at the first failure
    await waitFor('room after the failed batch', () => secondQueued);
    await gone.start();
    await expect((await second).done).resolves.toBeUndefined();
  } finally {
    await bus.close();
    await gone.stop();
  }
});
