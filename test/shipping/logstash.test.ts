/**
 * Logstash's tcp input with the json_lines codec, played by a loopback TCP receiver (no
 * Logstash runs here): framing (one JSON document per line, whatever the message holds) and
 * reconnection after the receiver goes away and comes back.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MemoryBus } from '../../core/bus/memory';
import { StateStore } from '../../core/store/store';
import { systemClock } from '../../core/clock';
import type { LogEvent } from '../../core/events';
import { createDelivery } from '../../collector/delivery/delivery';
import { logstashSinkSchema } from '../../collector/sinks/config';
import { createLogstashSink } from '../../collector/sinks/logstash';
import { waitFor } from '../support/docker';
import { container, logLine, sinkDeps, testDelivery } from './fixtures';

type Json = Record<string, any>;
/** A json_lines receiver: splits on \n and parses each line, as Logstash's codec does. */
class Receiver {
  docs: Array<Json> = [];
  bad: string[] = [];
  private server: net.Server | undefined;
  private socks = new Set<net.Socket>();
  port = 0;
  async start(): Promise<void> {
    const server = net.createServer((sock) => {
      this.socks.add(sock);
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          try {
            this.docs.push(JSON.parse(line) as Json);
          } catch {
            this.bad.push(line);
          }
        }
      });
      sock.on('close', () => this.socks.delete(sock));
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', () => r()));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }
  async stop(): Promise<void> {
    for (const s of this.socks) s.destroy();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
  ids(): Set<string> {
    return new Set(this.docs.map((d) => d.event.id as string));
  }
}

test('json_lines framing, and every line arrives across a receiver restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-ls-'));
  const rx = new Receiver();
  await rx.start();
  const store = StateStore.open(path.join(dir, 'state.db'));
  const dconf = testDelivery({ dead_letter_dir: dir });
  const deps = sinkDeps(store, dconf);
  const sink = createLogstashSink(
    logstashSinkSchema.parse({ type: 'logstash', address: `127.0.0.1:${rx.port}`, resend_window: '2s' }),
    deps,
  );
  const bus = new MemoryBus();
  const delivery = createDelivery({
    sinks: [sink],
    bus,
    store,
    logger: deps.logger,
    clock: systemClock,
    config: dconf,
    deadLetter: deps.deadLetter,
  });
  const c = container('shop');
  const send = async (events: LogEvent[]) => (await bus.publish('log', events)).done;
  try {
    // Newlines and quotes inside a message must not break the framing.
    const tricky = logLine(c, 0, {
      message: 'two\nlines "quoted" \\ and \u2028 sep',
      fields: { a: { b: 1 } },
    });
    await send([tricky, ...Array.from({ length: 99 }, (_, i) => logLine(c, i + 1))]);
    await waitFor('first 100 lines', () => rx.ids().size === 100);
    expect(rx.bad).toEqual([]);
    const first = rx.docs.find((d) => d.event.id === tricky.id)!;
    expect(first.message).toBe(tricky.message);
    expect(first.json).toEqual({ a: { b: 1 } });
    expect(first.container.name).toBe('shop');
    expect(first['@timestamp']).toBe(new Date(tricky.ts).toISOString());

    await rx.stop();
    // Written while the receiver is gone: acknowledged once spooled, sent after it returns.
    for (let b = 0; b < 5; b++)
      await send(Array.from({ length: 20 }, (_, i) => logLine(c, 100 + b * 20 + i)));
    await waitFor('spooled while down', () => delivery.state()[0]!.spooledEvents > 0);
    await rx.start();
    await waitFor('all 200 lines after reconnect', () => rx.ids().size === 200, 60_000);
    await waitFor('spool drained', () => delivery.state()[0]!.spooledEvents === 0);
    expect(rx.bad).toEqual([]);
  } finally {
    await delivery.close();
    await bus.close();
    store.close();
    await rx.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
