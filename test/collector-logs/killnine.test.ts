import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { docker, newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { containerInfo } from './support/inspect';
import { tempDir } from './support/harness';

/**
 * kill -9 the collector in the middle of a fast writer (with rotation), twice, restart it each
 * time: every line arrives exactly once by id. Raw repeats (the batch that was written but not
 * yet checkpointed when the process died) are at-least-once's price and only reported.
 */

const runId = newRunId('kill9');
const ROOT = path.resolve(__dirname, '../..');
const PROC = path.join(__dirname, 'support/collector-proc.ts');
let dir: string;
const procs: ChildProcess[] = [];

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await removeTestContainers(runId);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function collector(state: string, out: string, dirFile: string): ChildProcess {
  const p = spawn(process.execPath, ['--import', 'tsx', PROC, state, out, dirFile], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  procs.push(p);
  return p;
}

function read(out: string): Array<{ id: string; message: string }> {
  if (!fs.existsSync(out)) return [];
  return fs
    .readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; message: string });
}

const exited = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

test('kill -9 mid-writer, twice: every line exactly once by id', async () => {
  dir = tempDir('kill9');
  const n = 4000;
  const id = await runContainer({
    runId,
    args: ['--log-opt', 'max-size=100k', '--log-opt', 'max-file=5'],
    cmd: [
      'sh',
      '-c',
      `sleep 1; i=0; while [ $i -lt ${n} ]; do i=$((i+1)); echo "seq $i"; usleep 1000; done; sleep 600`,
    ],
  });
  const dirFile = path.join(dir, 'dir.json');
  fs.writeFileSync(dirFile, JSON.stringify([await containerInfo(id)]));
  const state = path.join(dir, 'state.db');
  const out = path.join(dir, 'out.ndjson');

  for (const atLeast of [n / 8, n / 2]) {
    const p = collector(state, out, dirFile);
    await waitFor(`${atLeast} lines written by the collector`, () => read(out).length >= atLeast, 120_000);
    p.kill('SIGKILL');
    await exited(p);
  }
  const last = collector(state, out, dirFile);
  // On a timeout the assertion below shows which lines are missing.
  await waitFor(`all ${n} lines`, () => new Set(read(out).map((e) => e.id)).size >= n, 180_000).catch(
    () => undefined,
  );
  last.kill('SIGTERM');
  await exited(last);

  const raw = read(out);
  const byId = new Map<string, string>();
  for (const e of raw) {
    const seen = byId.get(e.id);
    if (seen !== undefined) expect(e.message).toBe(seen); // a repeat is the same line, same id
    byId.set(e.id, e.message);
  }
  const messages = [...byId.values()].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  expect(messages).toEqual(Array.from({ length: n }, (_, i) => `seq ${i + 1}`));
  const info = await containerInfo(id);
  const rotated = fs.existsSync(`${info.logPath}.1`);
  console.log(
    `kill -9 x2: ${raw.length} raw lines for ${n} unique (${raw.length - n} repeats); log rotated: ${rotated}`,
  );
  await docker('rm', '-f', id);
}, 420_000);
