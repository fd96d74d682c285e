/**
 * A private carbon-cache (the real Debian graphite-carbon) with its own temp folder and ports,
 * for tests that must stop and start the backend (outages) without touching the shared carbon
 * other tests use. Points are read back from its whisper files with /usr/bin/whisper-fetch.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './docker';

const exec = promisify(execFile);

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class PrivateCarbon {
  private proc: ChildProcess | undefined;
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivateCarbon> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-carbon-'));
    const [line, pickle, query] = [await freePort(), await freePort(), await freePort()];
    for (const d of ['storage/whisper', 'log', 'run', 'lists'])
      fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'carbon.conf'),
      `[cache]
STORAGE_DIR = ${dir}/storage/
LOCAL_DATA_DIR = ${dir}/storage/whisper/
WHITELISTS_DIR = ${dir}/lists/
LOG_DIR = ${dir}/log/
PID_DIR = ${dir}/run/
USER =
ENABLE_LOGROTATION = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${line}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${query}
LOG_LISTENER_CONN_SUCCESS = False
LOG_UPDATES = False
LOG_CREATES = False
ENABLE_TAGS = False
`,
    );
    // 1-second points kept 6 h: Debian's default (60 s) would merge samples of one minute.
    fs.writeFileSync(path.join(dir, 'storage-schemas.conf'), '[default]\npattern = .*\nretentions = 1s:6h\n');
    return new PrivateCarbon(dir, line);
  }

  async start(): Promise<void> {
    fs.rmSync(path.join(this.dir, 'run', 'carbon-cache-a.pid'), { force: true });
    const out = fs.openSync(path.join(this.dir, 'log', 'stdout.log'), 'a');
    this.proc = spawn('/usr/bin/carbon-cache', [`--config=${this.dir}/carbon.conf`, '--nodaemon', 'start'], {
      stdio: ['ignore', out, out],
      detached: false,
    });
    const proc = this.proc;
    await waitFor('private carbon-cache listening', async () => {
      if (proc.exitCode !== null)
        throw new Error(`carbon-cache exited with ${proc.exitCode}; see ${this.dir}/log`);
      return canConnect(this.port);
    });
  }

  /** SIGTERM: carbon writes its cache to the whisper files before it exits. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await exited;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null;
  }

  pid(): number | undefined {
    return this.proc?.pid;
  }

  whisperFile(metric: string): string {
    return path.join(this.dir, 'storage', 'whisper', ...metric.split('.')) + '.wsp';
  }

  /** Non-null points of a series as timestamp (s) → value. Empty when the file does not exist yet. */
  async points(metric: string, fromSec: number, untilSec: number): Promise<Map<number, number>> {
    const file = this.whisperFile(metric);
    if (!fs.existsSync(file)) return new Map();
    const { stdout } = await exec(
      '/usr/bin/whisper-fetch',
      ['--json', `--from=${fromSec}`, `--until=${untilSec}`, file],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const j = JSON.parse(stdout) as { start: number; step: number; values: Array<number | null> };
    const out = new Map<number, number>();
    j.values.forEach((v, i) => {
      if (v !== null) out.set(j.start + i * j.step, v);
    });
    return out;
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
