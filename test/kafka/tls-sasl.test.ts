/**
 * The `bus.kafka.ssl` and `bus.kafka.sasl` options against a broker that requires them: the
 * stand-in (test/support/kafka-standin, a test double) with a TLS listener on a throwaway
 * self-signed certificate and SASL PLAIN / SCRAM-SHA-512 / SCRAM-SHA-256. Publish and consume must work
 * through each; a wrong password must fail with an error that names the config keys, and
 * neither the error nor any log line may carry the password.
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { KafkaBus } from '../../core/bus/kafka/bus';
import type { LogEvent } from '../../core/events';
import { createLogger, silentLogger } from '../../core/logger';
import { waitFor } from '../support/docker';
import { KafkaStandin } from '../support/kafka-standin/server';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { logEvent, testConfig, uniquePrefix } from './support';

const PASSWORD = 'right-horse-battery-staple';
const WRONG = 'wrong-password-must-not-leak';
const users = { lookout: PASSWORD };
const cert = makeLoopbackCert();
const pem = { cert: fs.readFileSync(cert.certFile, 'utf8'), key: fs.readFileSync(cert.keyFile, 'utf8') };
const standins: KafkaStandin[] = [];
const buses: KafkaBus[] = [];

async function broker(opts: ConstructorParameters<typeof KafkaStandin>[0]): Promise<KafkaStandin> {
  const s = await new KafkaStandin({ defaultPartitions: 2, ...opts }).start();
  standins.push(s);
  return s;
}

function bus(s: KafkaStandin, tag: string, over: Record<string, unknown>, logger = silentLogger()): KafkaBus {
  const b = new KafkaBus(testConfig([s.broker], uniquePrefix(tag), { partitions: 2, ...over }), { logger });
  buses.push(b);
  return b;
}

/** Publishes two log events and waits until a subscriber of the same bus has both. */
async function roundTrip(b: KafkaBus): Promise<void> {
  await b.start();
  const got: LogEvent[] = [];
  b.subscribe('log', 'tls', (events: LogEvent[]) => Promise.resolve(void got.push(...events)), {
    fromBeginning: true,
  });
  const sent = [logEvent('api', 1), logEvent('db', 2)];
  await (
    await b.publish('log', sent)
  ).done;
  await waitFor('both events consumed', () => got.length >= sent.length, 60_000);
  expect(got).toEqual(expect.arrayContaining(sent));
}

beforeAll(() => {
  process.env.LOOKOUT_TEST_KAFKA_PASSWORD = PASSWORD;
  process.env.LOOKOUT_TEST_KAFKA_WRONG = WRONG;
});
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close().catch(() => undefined)));
  await Promise.all(standins.map((s) => s.stop()));
  fs.rmSync(cert.dir, { recursive: true, force: true });
});

const tlsConfig = { ssl: { ca_file: cert.certFile } };
const sasl = (mechanism: string, env = 'LOOKOUT_TEST_KAFKA_PASSWORD') => ({
  sasl: { mechanism, username: 'lookout', password: { env } },
});

test('publish and consume over TLS, trusting the broker through ssl.ca_file', async () => {
  const s = await broker({ tls: pem });
  await roundTrip(bus(s, 'tls', tlsConfig));
});

test('a TLS broker whose CA is not given: refused, with an error naming bus.kafka.ssl.ca_file', async () => {
  const s = await broker({ tls: pem });
  await expect(bus(s, 'tls-noca', { ssl: true, connection_timeout: '2s' }).start()).rejects.toThrow(
    /TLS certificate of the brokers .* is not trusted \(.*self[- ]signed.*\): set bus\.kafka\.ssl\.ca_file/i,
  );
});

test('publish and consume with SASL PLAIN over TLS', async () => {
  const s = await broker({ tls: pem, sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-512'], users } });
  await roundTrip(bus(s, 'plain', { ...tlsConfig, ...sasl('plain') }));
});

test.each(['SCRAM-SHA-512', 'SCRAM-SHA-256'] as const)(
  'publish and consume with SASL %s (over TLS and over plain TCP)',
  async (mechanism) => {
    const tag = mechanism.toLowerCase();
    const overTls = await broker({ tls: pem, sasl: { mechanisms: [mechanism], users } });
    await roundTrip(bus(overTls, `${tag}-tls`, { ...tlsConfig, ...sasl(tag) }));
    const plainTcp = await broker({ sasl: { mechanisms: [mechanism], users } });
    await roundTrip(bus(plainTcp, tag, sasl(tag)));
  },
);

test.each(['plain', 'scram-sha-512', 'scram-sha-256'])(
  'a wrong %s password: an error naming bus.kafka.sasl, and the password in no log line',
  async (mechanism) => {
    const s = await broker({
      tls: pem,
      sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-512', 'SCRAM-SHA-256'], users },
    });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'trace', format: 'json', destination: sink });
    const b = bus(
      s,
      `bad-${mechanism}`,
      { ...tlsConfig, ...sasl(mechanism, 'LOOKOUT_TEST_KAFKA_WRONG') },
      logger,
    );
    const err = await b.start().then(
      () => new Error('start() succeeded with a wrong password'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(/bus\.kafka\.sasl\.password/);
    expect(err.message).toContain(`SASL ${mechanism.toUpperCase()} login as "lookout"`);
    expect(err.message).not.toContain(WRONG);
    expect(lines.length).toBeGreaterThan(0); // kafkajs did log the refusal
    expect(lines.join('')).not.toContain(WRONG);
  },
);

test('a mechanism the brokers do not enable is named in the error too', async () => {
  const s = await broker({ sasl: { mechanisms: ['SCRAM-SHA-512'], users } });
  await expect(bus(s, 'mech', sasl('plain')).start()).rejects.toThrow(
    /refused SASL PLAIN login as "lookout": check bus\.kafka\.sasl\.username .*bus\.kafka\.sasl\.mechanism/,
  );
});
