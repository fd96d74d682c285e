/**
 * bench:ship's StatsD phase counts datagrams in a receiver of its own (bench/ship-receivers.ts),
 * because Etsy's statsd, one Node thread that parses every line, cannot keep up with the sink.
 * This measures how much the real daemon loses at that rate: a private statsd (the one
 * test/support/services-up.sh installs, never the shared instance), flushing nowhere and never
 * during the run, whose `statsd.metrics_received` counter (mgmt port) says how many lines it read.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cpuSecondsOf } from './lib/report';

const SERVICES_DIR = process.env.LOOKOUT_SERVICES_DIR ?? '/var/tmp/lookout-services';
const STATS_JS = path.join(SERVICES_DIR, 'node', 'node_modules', 'statsd', 'stats.js');

export interface DaemonCounts {
  /** Lines the daemon parsed (`statsd.metrics_received`). */
  received: number;
  packets: number;
  badLines: number;
  /** CPU-seconds the daemon spent during `run` and until its counters settled. */
  cpu: number;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(r));
  return port;
}

async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** One management command's answer, up to its END line. */
function mgmt(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(`${command}\n`));
    s.setTimeout(5000, () => s.destroy(new Error(`statsd mgmt ${command}: no answer in 5 s`)));
    s.on('data', (d: Buffer) => {
      text += d.toString();
      if (/\bEND\b|\bup\b/.test(text)) s.end();
    });
    s.on('close', () => resolve(text));
    s.on('error', reject);
  });
}

function counter(text: string, name: string): number {
  return Number(new RegExp(`'statsd\\.${name}': (\\d+)`).exec(text)?.[1] ?? NaN);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`private statsd: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `run` against a private statsd on loopback and returns what the daemon counted; undefined without statsd. */
export async function withPrivateStatsd(
  run: (address: string) => Promise<void>,
): Promise<DaemonCounts | undefined> {
  if (!fs.existsSync(STATS_JS)) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-statsd-'));
  const [port, mgmtPort] = [await freeUdpPort(), await freeTcpPort()];
  const config = path.join(dir, 'config.js');
  fs.writeFileSync(
    config,
    JSON.stringify({
      port,
      address: '127.0.0.1',
      mgmt_port: mgmtPort,
      mgmt_address: '127.0.0.1',
      flushInterval: 3_600_000,
      backends: [],
    }),
  );
  const daemon = spawn(process.execPath, [STATS_JS, config], { stdio: 'ignore' });
  try {
    await until('its management port', async () =>
      (await mgmt(mgmtPort, 'health')).includes('up') ? true : undefined,
    );
    const cpu0 = cpuSecondsOf(daemon.pid!);
    await run(`127.0.0.1:${port}`);
    let last = -1;
    const text = await until(
      'its counters to settle',
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        const t = await mgmt(mgmtPort, 'counters');
        const now = counter(t, 'metrics_received');
        if (now === last) return t;
        last = now;
        return undefined;
      },
      120_000,
    );
    return {
      received: counter(text, 'metrics_received'),
      packets: counter(text, 'packets_received'),
      badLines: counter(text, 'bad_lines_seen'),
      cpu: cpuSecondsOf(daemon.pid!) - cpu0,
    };
  } finally {
    daemon.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
