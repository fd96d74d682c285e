/**
 * The Kafka stand-in's SASL gate on the wire (raw frames, no kafkajs): before a connection has
 * authenticated, ApiVersions is answered and advertises SaslHandshake and SaslAuthenticate;
 * anything else makes the broker hang up, as a real SASL listener does.
 */
import net from 'node:net';
import { Reader, Writer } from '../support/kafka-standin/codec';
import { API } from '../support/kafka-standin/handlers';
import { KafkaStandin } from '../support/kafka-standin/server';

let standin: KafkaStandin;
beforeAll(async () => {
  standin = await new KafkaStandin({ sasl: { mechanisms: ['PLAIN'], users: { u: 'p' } } }).start();
});
afterAll(() => standin.stop());

/** Sends one request frame; resolves with the response body, or null if the broker hangs up first. */
function exchange(apiKey: number, version: number, body: Buffer): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(standin.port, standin.host);
    let got = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        socket.destroy();
        resolve(got.subarray(8)); // size, correlation id
      }
    });
    socket.on('close', () => resolve(null));
    socket.on('error', reject);
    const payload = new Writer().int16(apiKey).int16(version).int32(7).string('raw').raw(body).toBuffer();
    socket.write(new Writer().int32(payload.length).raw(payload).toBuffer());
  });
}

test('ApiVersions is answered before authentication and lists the SASL APIs', async () => {
  const body = await exchange(API.ApiVersions, 0, Buffer.alloc(0));
  expect(body).not.toBeNull();
  const r = new Reader(body!);
  expect(r.int16()).toBe(0);
  const keys = r.array((a) => [a.int16(), a.int16(), a.int16()]).map(([k]) => k);
  expect(keys).toEqual(expect.arrayContaining([API.SaslHandshake, API.SaslAuthenticate]));
});

test('Metadata before authentication: the broker closes the connection without an answer', async () => {
  const metadataV1AllTopics = new Writer().int32(-1).toBuffer();
  await expect(exchange(API.Metadata, 1, metadataV1AllTopics)).resolves.toBeNull();
});

test('a handshake for a mechanism not enabled: UNSUPPORTED_SASL_MECHANISM and the enabled list', async () => {
  const body = await exchange(API.SaslHandshake, 1, new Writer().string('SCRAM-SHA-512').toBuffer());
  const r = new Reader(body!);
  expect(r.int16()).toBe(33);
  expect(r.array((a) => a.string())).toEqual(['PLAIN']);
});
