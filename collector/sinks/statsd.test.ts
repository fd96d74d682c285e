import dgram from 'node:dgram';
import net from 'node:net';
import { silentLogger } from '../../core/logger';
import { systemClock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import { statsdSinkSchema } from './config';
import { createStatsdSink } from './statsd';

const deps = { logger: silentLogger(), clock: systemClock, deadLetter: { write() {} } };

const batch: MetricSample[] = Array.from({ length: 120 }, (_, i) => ({
  kind: 'metric',
  host: 'web01',
  ts: 1_700_000_000_000,
  name: `m${i}.bytes`,
  value: i + 0.5,
  type: 'gauge',
}));
const want = batch.map((s) => `lookout.web01._host.${s.name}:${s.value}|g`);

/** DD_* variables make hot-shots add tags to what it sends; the sink must not pick them up. */
function withDatadogEnv<T>(fn: () => T): T {
  const saved = { DD_ENV: process.env.DD_ENV, DD_TAGS: process.env.DD_TAGS };
  Object.assign(process.env, { DD_ENV: 'prod', DD_TAGS: 'team:sre' });
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('UDP: one write arrives as whole-line datagrams under the limit, every line once, nothing added', async () => {
  const socket = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  const all = new Promise<void>((resolve) =>
    socket.on('message', (d: Buffer) => {
      got.push(d);
      if (got.reduce((n, x) => n + x.toString().split('\n').length, 0) >= want.length) resolve();
    }),
  );
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const config = statsdSinkSchema.parse({
    type: 'statsd',
    address: `127.0.0.1:${socket.address().port}`,
    max_datagram_bytes: 512,
  });
  const sink = withDatadogEnv(() => createStatsdSink(config, deps));
  try {
    await sink.write(batch, AbortSignal.timeout(5000));
    await all;
    expect(got.length).toBeGreaterThan(5);
    for (const d of got) expect(d.length).toBeLessThanOrEqual(512);
    expect(got.flatMap((d) => d.toString().split('\n'))).toEqual(want);
  } finally {
    await sink.close();
    socket.close();
  }
});

test('TCP: the same lines, each datagram ended by a newline', async () => {
  let text = '';
  let arrived!: () => void;
  const all = new Promise<void>((r) => (arrived = r));
  const server = net.createServer((s) =>
    s.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.split('\n').length > want.length) arrived();
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const sink = createStatsdSink(
    statsdSinkSchema.parse({ type: 'statsd', protocol: 'tcp', address: `127.0.0.1:${port}` }),
    deps,
  );
  try {
    await sink.write(batch, AbortSignal.timeout(5000));
    await all;
    expect(text).toBe(`${want.join('\n')}\n`);
  } finally {
    await sink.close();
    await new Promise((r) => server.close(r));
  }
});
