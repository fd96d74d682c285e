/**
 * Nothing lost: 5 synthetic containers log 1 000 lines/s each (and one cpu sample per second)
 * through a process running delivery into the Elasticsearch stand-in (TEST DOUBLE) and a
 * private real carbon-cache. Both backends stop for 60 s and come back; then every line is in
 * Elasticsearch exactly once by _id, every sample is in whisper at its own second, and the
 * process RSS stayed under the ceiling. The second case kills the process with -9 during the
 * outage (a shorter 20 s outage, to keep the suite's runtime reasonable) and restarts it on the
 * same state file: the spool survives and everything is delivered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { StateStore } from '../../core/store/store';
import { ElasticsearchStandin } from '../support/elasticsearch-standin';
import { PrivateCarbon } from '../support/carbon-private';
import { waitFor } from '../support/docker';
import { container, logLine } from './fixtures';

type Json = Record<string, any>;
const RATE = 1000;
const CONTAINERS = 5;
/**
 * In-memory queue ceiling handed to delivery, and the RSS the whole process (node + tsx, about
 * 145 MiB before any event) must stay under. The V8 heap cap turns a leak into a crash here
 * rather than a slow climb; with the Elasticsearch client's default error redaction (now off,
 * see collector/sinks/elasticsearch/sink.ts) this test reached 1.5 GiB.
 */
const MEMORY_MAX = 32 * 1024 * 1024;
const HEAP_MAX_MIB = 160;
const RSS_CEILING = 256 * 1024 * 1024;

interface Child {
  proc: ChildProcess;
  messages: Array<Json>;
  maxRss: number;
  exited: Promise<number | null>;
  stopRss(): void;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function startChild(envs: Record<string, string>): Child {
  const proc = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MAX_MIB}`,
      '--import',
      'tsx',
      path.join(__dirname, 'fixtures', 'ship-proc.ts'),
    ],
    {
      env: { ...process.env, ...envs },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const child: Child = {
    proc,
    messages: [],
    maxRss: 0,
    exited: new Promise((r) => proc.once('exit', (code) => r(code))),
    stopRss: () => clearInterval(timer),
  };
  readline.createInterface({ input: proc.stdout }).on('line', (l) => {
    try {
      child.messages.push(JSON.parse(l) as Json);
    } catch {
      /* not ours */
    }
  });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  proc.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') console.error(`ship-proc exited ${code ?? signal}: ${err}`);
  });
  const timer = setInterval(() => (child.maxRss = Math.max(child.maxRss, rssOf(proc.pid!))), 200);
  return child;
}

const last = (c: Child, type: string) => [...c.messages].reverse().find((m) => m.type === type);
const spooled = (c: Child) =>
  (last(c, 'progress')?.state as Array<{ spooledEvents: number }> | undefined)?.reduce(
    (a, s) => a + s.spooledEvents,
    0,
  ) ?? 0;

async function verify(
  es: ElasticsearchStandin,
  carbon: PrivateCarbon,
  run: string,
  seconds: number,
  t0Sec: number,
  index: string,
): Promise<void> {
  const total = RATE * seconds;
  expect(es.count(index)).toBe(CONTAINERS * total);
  const ids = es.ids(index);
  for (let ci = 0; ci < CONTAINERS; ci++) {
    const c = container(`${run}-${ci}`);
    for (let o = 0; o < total; o++)
      if (!ids.has(logLine(c, o).id)) throw new Error(`line ${o} of container ${ci} is missing`);
  }
  // Exactly once by _id: the stand-in keys documents by _id, and it holds no other ids.
  expect(ids.size).toBe(CONTAINERS * total);
  for (let ci = 0; ci < CONTAINERS; ci++) {
    const metric = `lookout.outagehost.${run}-${ci}.cpu.percent`;
    const pts = await waitFor(`all ${seconds} samples of ${metric} in whisper`, async () => {
      const p = await carbon.points(metric, t0Sec - 5, t0Sec + seconds + 5);
      return p.size >= seconds && p;
    });
    for (let k = 0; k < seconds; k++) expect(pts.get(t0Sec + k)).toBe(k + 0.5);
    expect(pts.size).toBe(seconds);
  }
}

// Both index modes (issue 17): data_stream is the default users get, daily what the stand-in knew first.
describe.each(['daily', 'data_stream'] as const)('outage, index_mode: %s', (mode) => {
  /** The logs of a run: its daily indices, or its data stream. */
  const at = (run: string) => (mode === 'daily' ? `outage-${run}-*` : `outage-${run}`);
  let es: ElasticsearchStandin;
  let carbon: PrivateCarbon;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-outage-'));
    es = new ElasticsearchStandin();
    es.keepSource = false;
    await es.start();
    carbon = await PrivateCarbon.create();
    await carbon.start();
  });
  afterAll(async () => {
    await es.stop();
    await carbon.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The producer's schedule start (seconds), as the child stored it. */
  const startOf = (run: string): number => {
    const store = StateStore.open(path.join(dir, `${run}.db`));
    const t0 = store.get<number>('outage-producer', 'start')!;
    store.close();
    return t0 / 1000;
  };

  const envFor = (run: string, seconds: number) => ({
    STATE: path.join(dir, `${run}.db`),
    RUN: run,
    CONTAINERS: String(CONTAINERS),
    RATE: String(RATE),
    DURATION_S: String(seconds),
    MEMORY_MAX: String(MEMORY_MAX),
    ES_URL: es.url,
    CARBON_PORT: String(carbon.port),
    DEAD_LETTER_DIR: path.join(dir, `dl-${run}`),
    INDEX_MODE: mode,
  });

  test('both backends down for 60 s: every line and sample arrives exactly once, RSS bounded', async () => {
    const run = `o${process.pid}x${Date.now().toString(36)}`;
    const seconds = 75;
    const child = startChild(envFor(run, seconds));
    try {
      await waitFor('first lines delivered', () => es.count(at(run)) > 5000);
      await es.stop();
      await carbon.stop();
      const outageStart = Date.now();
      await waitFor('events spooled during the outage', () => spooled(child) > 50_000, 60_000);
      // The outage itself is the test's subject: 60 s by the clock.
      await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - outageStart))));
      await es.start();
      await carbon.start();
      await waitFor('everything acknowledged and the spool empty', () => last(child, 'done'), 240_000);
      expect(await child.exited).toBe(0);
      child.stopRss();
      await verify(es, carbon, run, seconds, startOf(run), at(run));
      expect(fs.existsSync(path.join(dir, `dl-${run}`))).toBe(false);
      const heaps = child.messages.filter((m) => m.type === 'progress').map((m) => m.heap as number);
      console.log(
        `outage: max RSS ${(child.maxRss / 1048576).toFixed(0)} MiB (ceiling ${RSS_CEILING / 1048576} MiB), heap used ${(Math.min(...heaps) / 1048576).toFixed(0)}..${(Math.max(...heaps) / 1048576).toFixed(0)} MiB (cap ${HEAP_MAX_MIB}), memory_max_bytes ${MEMORY_MAX / 1048576} MiB`,
      );
      expect(child.maxRss).toBeLessThan(RSS_CEILING);
    } finally {
      child.stopRss();
      child.proc.kill('SIGKILL');
      if (!es.running) await es.start();
      if (!carbon.running) await carbon.start();
    }
  }, 400_000);

  test('kill -9 during the outage: the spool survives, the restarted process delivers everything', async () => {
    const run = `k${process.pid}x${Date.now().toString(36)}`;
    const seconds = 30;
    let child = startChild(envFor(run, seconds));
    try {
      await waitFor('first lines delivered', () => es.count(at(run)) > 5000);
      await es.stop();
      await carbon.stop();
      await waitFor('events spooled during the outage', () => spooled(child) > 20_000, 60_000);
      child.proc.kill('SIGKILL');
      await child.exited;
      child.stopRss();
      child = startChild(envFor(run, seconds));
      const started = await waitFor('restarted', () => last(child, 'started'));
      const survived = (started.state as Array<{ spooledEvents: number }>).reduce(
        (a, s) => a + s.spooledEvents,
        0,
      );
      expect(survived).toBeGreaterThan(20_000);
      await waitFor('more spooled after the restart', () => spooled(child) > survived, 60_000);
      await es.start();
      await carbon.start();
      await waitFor('everything acknowledged and the spool empty', () => last(child, 'done'), 240_000);
      expect(await child.exited).toBe(0);
      await verify(es, carbon, run, seconds, startOf(run), at(run));
    } finally {
      child.stopRss();
      child.proc.kill('SIGKILL');
      if (!es.running) await es.start();
      if (!carbon.running) await carbon.start();
    }
  }, 400_000);
});
