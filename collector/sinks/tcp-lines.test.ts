import net from 'node:net';
import { ManualClock } from '../../core/clock';
import type { LookoutEvent, MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { PartialWriteError } from './sink';
import { LineWriter } from './tcp-lines';

const ev = (v: number): MetricSample => ({
  kind: 'metric',
  host: 'h',
  ts: v * 1000,
  name: 'x',
  value: v,
  type: 'gauge',
});
const text = (es: LookoutEvent[]) => es.map((e) => `x ${(e as MetricSample).value}\n`).join('');

async function server() {
  const got: string[] = [];
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.setEncoding('utf8');
    s.on('data', (d: string) => got.push(...d.split('\n').filter(Boolean)));
    s.on('close', () => socks.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { got, srv, socks, port: (srv.address() as net.AddressInfo).port };
}

const until = async (fn: () => boolean) => {
  const end = Date.now() + 10_000;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('lines written shortly before the connection broke are sent again, first, on the next write', async () => {
  const s = await server();
  const clock = new ManualClock(0);
  const w = new LineWriter({
    host: '127.0.0.1',
    port: s.port,
    connectTimeoutMs: 2000,
    resendWindowMs: 5000,
    logger: silentLogger(),
    clock,
  });
  w.render = text;
  const signal = new AbortController().signal;
  clock.set(1000);
  await w.write([ev(1)], text([ev(1)]), signal);
  clock.set(9000); // ev(1) is now outside the window
  await w.write([ev(2)], text([ev(2)]), signal);
  await until(() => s.got.length === 2);
  for (const sock of s.socks) sock.destroy(); // the peer goes away: what it had may be lost
  await until(() => !w.connected);
  await w.write([ev(3)], text([ev(3)]), signal);
  await until(() => s.got.length === 4);
  expect(s.got).toEqual(['x 1', 'x 2', 'x 2', 'x 3']);
  await w.close();
  s.srv.close();
});

test('peer gone for good: the unconfirmed lines come back with the batch in a PartialWriteError', async () => {
  const s = await server();
  const clock = new ManualClock(0);
  const w = new LineWriter({
    host: '127.0.0.1',
    port: s.port,
    connectTimeoutMs: 2000,
    resendWindowMs: 5000,
    logger: silentLogger(),
    clock,
  });
  w.render = text;
  const signal = new AbortController().signal;
  await w.write([ev(1)], text([ev(1)]), signal);
  await until(() => s.got.length === 1);
  for (const sock of s.socks) sock.destroy();
  await new Promise<void>((r) => s.srv.close(() => r()));
  await until(() => !w.connected);
  const err = await w.write([ev(2)], text([ev(2)]), signal).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PartialWriteError);
  expect((err as PartialWriteError).remaining.map((e) => (e as MetricSample).value)).toEqual([1, 2]);
  expect((err as PartialWriteError).retriable).toBe(true);
  await w.close();
});

test('byte payloads (a reused buffer) go out after the resend text, in order', async () => {
  const s = await server();
  const clock = new ManualClock(0);
  const w = new LineWriter({
    host: '127.0.0.1',
    port: s.port,
    connectTimeoutMs: 2000,
    resendWindowMs: 5000,
    logger: silentLogger(),
    clock,
  });
  w.render = text;
  const signal = new AbortController().signal;
  const pool = Buffer.alloc(64);
  const bytes = (es: LookoutEvent[]) => pool.subarray(0, pool.write(text(es), 0, 'latin1'));
  await w.write([ev(1)], bytes([ev(1)]), signal);
  await w.write([ev(2)], bytes([ev(2)]), signal); // the pool is written over once the first write drained
  await until(() => s.got.length === 2);
  for (const sock of s.socks) sock.destroy();
  await until(() => !w.connected);
  await w.write([ev(3)], bytes([ev(3)]), signal);
  await until(() => s.got.length === 5);
  expect(s.got).toEqual(['x 1', 'x 2', 'x 1', 'x 2', 'x 3']);
  await w.close();
  s.srv.close();
});
