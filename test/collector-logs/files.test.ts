import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../support/docker';
import { MemoryBus } from '../../core/bus/memory';
import { systemClock } from '../../core/clock';
import type { LogEvent } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { createLogSource } from '../../collector/sources/logs';
import { logsConfig } from '../../collector/sources/logs/config';
import { fileContainer, StaticDirectory } from './support/directory';
import { drive } from './support/driver';
import { tailMetrics } from '../../collector/sources/logs/metrics';
import { openCount, openStore, startSource, tempDir, type Running } from './support/harness';
import { append, jline, lines } from './support/fixtures';

/**
 * The log source on fixture files (a fake directory entry pointing at a json-file log in a temp
 * dir): bad input, rotation and truncation as Docker does them, checkpoints and start positions.
 */

const ID = 'f'.repeat(64);
let dir: string;
let file: string;
const running: Running[] = [];

beforeEach(() => {
  dir = tempDir('logs-files');
  file = path.join(dir, `${ID}-json.log`);
  fs.writeFileSync(file, '');
});

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.stop();
    r.store.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function start(
  config: Parameters<typeof startSource>[0]['config'] = {},
  labels: Record<string, string> = {},
  storeDir = dir,
): Running {
  const r = startSource({ config, store: openStore(storeDir) });
  r.dir.add(fileContainer(ID, file, labels));
  running.push(r);
  return r;
}

async function stop(r: Running): Promise<void> {
  running.splice(running.indexOf(r), 1);
  await r.stop();
  r.store.close();
}

const messages = (r: Running) => r.events.map((e) => e.message);
const until = (r: Running, n: number) =>
  waitFor(`${n} events (have ${r.events.length})`, () => r.events.length >= n);
const lagOf = async (container: string) =>
  (await tailMetrics.lag.get()).values.find((v) => v.labels.container === container)?.value ?? -1;
const metric = async (m: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await m.get()).values.reduce((a, v) => a + v.value, 0);

test('a corrupt line is counted, reported and skipped; the lines around it are kept', async () => {
  const before = await metric(tailMetrics.corrupt);
  append(
    file,
    jline('before\n'),
    'this is not json at all\n',
    '{"log":"cut off',
    '\n',
    jline('after\n', 'stderr'),
  );
  const r = start();
  await until(r, 2);
  await waitFor('corrupt counted', async () => (await metric(tailMetrics.corrupt)) - before === 2);
  expect(r.events.map((e) => [e.message, e.stream])).toEqual([
    ['before', 'stdout'],
    ['after', 'stderr'],
  ]);
});

test('invalid UTF-8 and binary bytes are kept escaped, never crash', async () => {
  const raw = Buffer.concat([
    Buffer.from('{"log":"raw '),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from('\\n","stream":"stdout","time":"2026-11-25T10:00:00.1Z"}\n'),
  ]);
  append(
    file,
    raw,
    jline('nul\u0000 esc\u001b bell\u0007\n'),
    '{"log":"docker replaced \\ufffd\\n","stream":"stderr","time":"2026-11-25T10:00:00.2Z"}\n',
    jline('fine ✓\n'),
  );
  const r = start();
  await until(r, 4);
  const [a, b, c, d] = r.events;
  expect(a).toMatchObject({ invalidUtf8: true, stream: 'stdout' });
  expect(a!.message).toMatch(/^raw \uFFFD\(\uFFFD$/);
  expect(b).toMatchObject({ message: 'nul\u0000 esc\u001b bell\u0007' });
  expect(b!.invalidUtf8).toBeUndefined();
  expect(c).toMatchObject({ message: 'docker replaced \uFFFD', invalidUtf8: true, stream: 'stderr' });
  expect(d).toMatchObject({ message: 'fine ✓' });
  expect(d!.invalidUtf8).toBeUndefined();
});

test('rotation (rename, new file) finishes the old file, follows the new one, and rejoins a line split across it', async () => {
  append(file, lines('a', 0, 5));
  const r = start();
  await until(r, 5);
  // Docker's rotation: more lines, then rename .log -> .log.1 and a new .log. A 16 KiB split straddles it.
  append(file, lines('a', 5, 8), jline('x'.repeat(16384)));
  fs.renameSync(file, `${file}.1`);
  append(file, jline('y'.repeat(100) + '\n'), lines('b', 0, 3));
  await until(r, 12);
  expect(messages(r)).toEqual([
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `a ${i}`),
    'x'.repeat(16384) + 'y'.repeat(100),
    'b 0',
    'b 1',
    'b 2',
  ]);
  expect(new Set(r.events.map((e) => e.id)).size).toBe(12);
});

test('truncation under the reader: the file is read again from its start', async () => {
  append(file, lines('old', 0, 4));
  const r = start();
  await until(r, 4);
  fs.truncateSync(file, 0);
  append(file, lines('new', 0, 2));
  await until(r, 6);
  expect(messages(r)).toEqual(['old 0', 'old 1', 'old 2', 'old 3', 'new 0', 'new 1']);
  // Same offsets, different content: different ids.
  expect(new Set(r.events.map((e) => e.id)).size).toBe(6);
});

test('restart resumes from the checkpoint: nothing lost, nothing repeated, ids stable', async () => {
  append(file, lines('l', 0, 10));
  const r1 = start();
  await until(r1, 10);
  const firstIds = r1.events.map((e) => e.id);
  await stop(r1);
  append(file, lines('l', 10, 15));
  const r2 = start();
  await until(r2, 5);
  expect(messages(r2)).toEqual(['l 10', 'l 11', 'l 12', 'l 13', 'l 14']);
  // A fresh store reading from the beginning gives every line the id it had the first time.
  const other = tempDir('logs-files-store');
  const r3 = start({ start_at: 'beginning' }, {}, other);
  await until(r3, 15);
  expect(r3.events.slice(0, 10).map((e) => e.id)).toEqual(firstIds);
  expect(r3.events.slice(10).map((e) => e.id)).toEqual(r2.events.map((e) => e.id));
  await stop(r3);
  fs.rmSync(other, { recursive: true, force: true });
});

test.each([
  ['checkpoint', ['cur 0', 'cur 1', 'new 0']],
  ['beginning', ['rot 0', 'rot 1', 'cur 0', 'cur 1', 'new 0']],
  ['end', ['new 0']],
] as const)('a container seen for the first time with start_at=%s', async (startAt, want) => {
  append(`${file}.1`, lines('rot', 0, 2));
  append(file, lines('cur', 0, 2));
  const r = start({ start_at: startAt });
  await waitFor('tailer opened the file', () => openCount(file) === 1);
  append(file, lines('new', 0, 1));
  await waitFor('the new line', () => r.events.some((e) => e.message === 'new 0'));
  expect(messages(r)).toEqual(want);
});

test('container removal drains what is left, then drops the checkpoint', async () => {
  append(file, lines('r', 0, 3));
  const r = start();
  await until(r, 3);
  append(file, lines('r', 3, 5));
  r.dir.remove(ID);
  await until(r, 5);
  await waitFor(
    'checkpoint dropped',
    () => r.store.db.prepare('SELECT 1 FROM log_checkpoints WHERE container_id = ?').get(ID) === undefined,
  );
  expect(messages(r)).toEqual(['r 0', 'r 1', 'r 2', 'r 3', 'r 4']);
});

test('labels: multiline start pattern, JSON parsing, level', async () => {
  append(
    file,
    jline('2026-01-01 ERROR boom\n'),
    jline('  at a (x.js:1)\n'),
    jline('  at b (x.js:2)\n'),
    jline('{"level":"warn","msg":"json line","n":1}\n'),
    jline('2026-01-01 INFO done\n'),
  );
  const r = start(
    { multiline: { max_wait: '100ms' } },
    { 'lookout.multiline.pattern': '^(\\d{4}-|\\{)', 'lookout.parse': 'json' },
  );
  await until(r, 3);
  expect(r.events.map((e) => [e.message, e.level])).toEqual([
    ['2026-01-01 ERROR boom\n  at a (x.js:1)\n  at b (x.js:2)', 'error'],
    ['{"level":"warn","msg":"json line","n":1}', 'warn'],
    ['2026-01-01 INFO done', 'info'],
  ]);
  expect(r.events[1]!.fields).toEqual({ level: 'warn', msg: 'json line', n: 1 });
});

test('a joined line over max_line_bytes is cut and marked truncated', async () => {
  append(file, jline('z'.repeat(16384)), jline('z'.repeat(16384)), jline('z\n'), jline('short\n'));
  const r = start({ max_line_bytes: 20000 });
  await until(r, 2);
  expect(r.events[0]!.message).toBe('z'.repeat(20000));
  expect(r.events[0]!.truncated).toBe(true);
  expect(r.events[1]).toMatchObject({ message: 'short' });
  expect(r.events[1]!.truncated).toBeUndefined();
});

test('a batch cut mid-chunk checkpoints at its last line, not at the end of the chunk', async () => {
  append(file, lines('c', 0, 2500));
  const store = openStore(dir);
  const directory = new StaticDirectory();
  directory.add(fileContainer(ID, file));
  const got: string[] = [];
  const bus = new MemoryBus();
  // The first batch is handled (and checkpointed); the second never is.
  bus.subscribe('log', 'stuck', (batch: LogEvent[]) =>
    got.length === 0
      ? (got.push(...batch.map((e) => e.message)), Promise.resolve())
      : new Promise<void>(() => undefined),
  );
  const source = createLogSource(logsConfig({ batch_max_events: 1000, read_chunk_bytes: '1MiB' }), {
    logger: silentLogger(),
    clock: systemClock,
    store,
    host: 'h',
    containers: directory,
  });
  const ac = new AbortController();
  const running = drive(source, bus, ac.signal);
  try {
    await waitFor(
      'first batch checkpointed',
      () => store.db.prepare('SELECT 1 FROM log_checkpoints').get() !== undefined,
    );
    // 1500 lines read and not delivered: the lag gauge says so.
    await waitFor('lag reported', async () => (await lagOf('fixture-ffffff')) > 1000 * 60);
  } finally {
    ac.abort();
    await running;
  }
  store.close();
  expect(got).toHaveLength(1000);
  const r = start();
  await until(r, 1500);
  expect(messages(r)).toEqual(Array.from({ length: 1500 }, (_, i) => `c ${i + 1000}`));
  await waitFor('no lag once all is delivered', async () => (await lagOf('fixture-ffffff')) === 0);
});
