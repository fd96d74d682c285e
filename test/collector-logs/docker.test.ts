import { createDockerClient } from '../../collector/sources/docker/client';
import { dockerConfigSchema } from '../../collector/sources/docker/config';
import { docker, newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { containerInfo } from './support/inspect';
import { openCount, openStore, startSource, tempDir, type Running } from './support/harness';
import fs from 'node:fs';
import net from 'node:net';
import { silentLogger } from '../../core/logger';

/** The log source on containers of the real Docker engine, json-file logs read from disk. */

const runId = newRunId('logs');
const dirs: string[] = [];
const running: Running[] = [];
const clients: Array<{ close(): void }> = [];

/** lookout's own read-only Engine API client, as the collector wires it. */
function engineClient() {
  const c = createDockerClient(dockerConfigSchema.parse({}), { logger: silentLogger() });
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.stop();
    r.store.close();
  }
});

afterAll(async () => {
  for (const c of clients) c.close();
  await removeTestContainers(runId);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function source(
  config: Parameters<typeof startSource>[0]['config'] = {},
  extra: Partial<Parameters<typeof startSource>[0]> = {},
): Running {
  const d = tempDir('logs-docker');
  dirs.push(d);
  const r = startSource({ config, store: openStore(d), ...extra });
  running.push(r);
  return r;
}

const sh = (script: string) => ['sh', '-c', script];

test('stdout and stderr lines arrive with exact content, stream, time and container metadata', async () => {
  const id = await runContainer({
    runId,
    args: ['--label', 'app=demo'],
    cmd: sh(
      `echo 'out one'; echo 'err one' >&2; printf 'tab\\there "quoted" \\\\ back\\n'; echo 'err two' >&2; printf 'no newline at exit'`,
    ),
  });
  const r = source();
  r.dir.add(await containerInfo(id));
  await waitFor('5 lines', () => r.events.length >= 5);
  const by = (s: string) => r.events.filter((e) => e.stream === s).map((e) => e.message);
  expect(by('stdout')).toEqual(['out one', 'tab\there "quoted" \\ back', 'no newline at exit']);
  expect(by('stderr')).toEqual(['err one', 'err two']);
  const e = r.events[0]!;
  expect(e.container).toMatchObject({ id, labels: expect.objectContaining({ app: 'demo' }) });
  expect(e.host).toBe('test-host');
  expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  expect(Math.abs(e.ts - Date.parse(e.time))).toBeLessThan(1);
  expect(new Set(r.events.map((x) => x.id)).size).toBe(5);
});

test('a line over 16 KiB (split by Docker into pieces) is rejoined exactly', async () => {
  const id = await runContainer({
    runId,
    cmd: sh(`echo before; head -c 40000 /dev/zero | tr '\\0' a; echo; echo after`),
  });
  const info = await containerInfo(id);
  const r = source();
  r.dir.add(info);
  await waitFor('3 lines', () => r.events.length >= 3);
  // Docker wrote the long line as 16 KiB pieces: the rejoining is what this test is about.
  const raw = fs.readFileSync(info.logPath!, 'utf8').split('\n').filter(Boolean);
  expect(raw.length).toBe(5);
  expect(r.events.map((e) => e.message)).toEqual(['before', 'a'.repeat(40000), 'after']);
  expect(r.events[1]!.truncated).toBeUndefined();
});

test('rotation while printing (max-size=1k, max-file=3): every sequence number once, in order', async () => {
  const n = 300;
  // ~25 lines/s, two rotations a second (13 lines a file). Docker writes what piled up in the
  // container's pipe in one burst after a stall, and a burst of more than two files' worth
  // rotates files away within a millisecond, before any reader can open them (measured: at
  // ~600 lines/s whole files vanish that way). Here dockerd would have to stall for a second.
  const id = await runContainer({
    runId,
    args: ['--log-opt', 'max-size=1k', '--log-opt', 'max-file=3'],
    cmd: sh(`sleep 1; i=0; while [ $i -lt ${n} ]; do i=$((i+1)); echo "seq $i"; usleep 40000; done`),
  });
  const r = source({ start_at: 'beginning', poll_interval: '20ms' });
  r.dir.add(await containerInfo(id));
  await docker('wait', id);
  // On a timeout the assertion below shows which lines are missing.
  await waitFor(`${n} lines`, () => r.events.length >= n, 60_000).catch(() => undefined);
  expect(r.events.map((e) => e.message)).toEqual(Array.from({ length: n }, (_, i) => `seq ${i + 1}`));
  expect(new Set(r.events.map((e) => e.id)).size).toBe(n);
  const info = await containerInfo(id);
  expect(fs.existsSync(`${info.logPath}.2`)).toBe(true);
}, 240_000);

test('a collector started after lines were written: checkpoint, beginning and end', async () => {
  const id = await runContainer({
    runId,
    cmd: sh(`echo pre1; echo pre2; while [ ! -e /tmp/go ]; do usleep 50000; done; echo post`),
  });
  await waitFor('pre lines written', async () => (await docker('logs', id)).includes('pre2'));
  const info = await containerInfo(id);
  const modes = ['checkpoint', 'beginning', 'end'] as const;
  const rs = modes.map((m) => source({ start_at: m }));
  for (const r of rs) r.dir.add(info);
  await waitFor('the three tailers opened the log', () => openCount(info.logPath!) === 3);
  await docker('exec', id, 'touch', '/tmp/go');
  for (const r of rs) await waitFor('post', () => r.events.some((e) => e.message === 'post'));
  expect(rs.map((r) => r.events.map((e) => e.message))).toEqual([
    ['pre1', 'pre2', 'post'],
    ['pre1', 'pre2', 'post'],
    ['post'],
  ]);
});

test('container removed: what is left is drained, then the tailer ends', async () => {
  const id = await runContainer({
    runId,
    cmd: sh(`i=0; while [ $i -lt 50 ]; do i=$((i+1)); echo "r $i"; done; sleep 600`),
  });
  const r = source();
  r.dir.add(await containerInfo(id));
  await waitFor('50 lines', () => r.events.length >= 50);
  await docker('rm', '-f', id);
  r.dir.remove(id);
  await waitFor(
    'checkpoint dropped',
    () => r.store.db.prepare('SELECT 1 FROM log_checkpoints WHERE container_id = ?').get(id) === undefined,
  );
  expect(r.events.map((e) => e.message)).toEqual(Array.from({ length: 50 }, (_, i) => `r ${i + 1}`));
});

test('a remote engine (tcp://): json-file containers are read through the API, not from this disk', async () => {
  // The real engine, reached over TCP through a loopback forwarder to its socket.
  const sockets = new Set<net.Socket>();
  const forwarder = net.createServer((c) => {
    const up = net.connect('/var/run/docker.sock');
    for (const s of [c, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    c.pipe(up).pipe(c);
    up.on('error', () => c.destroy());
    c.on('error', () => up.destroy());
  });
  await new Promise<void>((res) => forwarder.listen(0, '127.0.0.1', res));
  try {
    const port = (forwarder.address() as net.AddressInfo).port;
    const remote = createDockerClient(dockerConfigSchema.parse({ host: `tcp://127.0.0.1:${port}` }), {
      logger: silentLogger(),
    });
    clients.push(remote);
    expect(remote.remote).toBe(true);
    const id = await runContainer({ runId, cmd: sh(`echo 'remote out'; echo 'remote err' >&2; sleep 600`) });
    const r = source({}, { docker: remote, remoteEngine: remote.remote });
    // The path the engine reports is on "another machine": make sure nothing reads it here.
    r.dir.add({ ...(await containerInfo(id)), logPath: `/nonexistent/${id}-json.log` });
    await waitFor('2 lines', () => r.events.length >= 2);
    expect(r.events.map((e) => [e.stream, e.message]).sort()).toEqual([
      ['stderr', 'remote err'],
      ['stdout', 'remote out'],
    ]);
    await r.stop();
    running.splice(running.indexOf(r), 1);
    r.store.close();
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((res) => forwarder.close(res));
  }
});

test('another log driver: `local` read through the Engine API logs stream, `none` reported, not crashed on', async () => {
  const local = await runContainer({
    runId,
    args: ['--log-driver', 'local'],
    cmd: sh(`echo 'api out'; echo 'api err' >&2; sleep 600`),
  });
  const none = await runContainer({
    runId,
    args: ['--log-driver', 'none'],
    cmd: sh('echo invisible; sleep 600'),
  });
  const r = source({}, { docker: engineClient() });
  r.dir.add(await containerInfo(none));
  r.dir.add(await containerInfo(local));
  await waitFor('2 lines', () => r.events.length >= 2);
  const by = (s: string) => r.events.filter((e) => e.stream === s).map((e) => e.message);
  expect(by('stdout')).toEqual(['api out']);
  expect(by('stderr')).toEqual(['api err']);
  expect(r.events[0]!.container.id).toBe(local);
});

test('a TTY container (-t): lines end with CR LF in json-file; the CR is dropped too', async () => {
  const id = await runContainer({ runId, args: ['-t'], cmd: sh(`echo 'tty one'; echo 'tty two'`) });
  const r = source();
  r.dir.add(await containerInfo(id));
  await waitFor('2 lines', () => r.events.length >= 2);
  expect(r.events.map((e) => [e.message, e.stream])).toEqual([
    ['tty one', 'stdout'],
    ['tty two', 'stdout'],
  ]);
});

test('logs API fallback resumes from its checkpoint after a restart: nothing repeated', async () => {
  const id = await runContainer({
    runId,
    args: ['--log-driver', 'local'],
    cmd: sh(`echo a1; echo a2; while [ ! -e /tmp/go ]; do usleep 50000; done; echo a3; sleep 600`),
  });
  const info = await containerInfo(id);
  const d = tempDir('logs-api');
  dirs.push(d);
  const api = engineClient();
  const r1 = startSource({ store: openStore(d), docker: api });
  r1.dir.add(info);
  await waitFor('a1 a2', () => r1.events.length >= 2);
  await waitFor(
    'checkpoint',
    () => r1.store.db.prepare("SELECT 1 FROM log_checkpoints WHERE kind = 'api'").get() !== undefined,
  );
  await r1.stop();
  r1.store.close();
  await docker('exec', id, 'touch', '/tmp/go');
  const r2 = startSource({ store: openStore(d), docker: api });
  running.push(r2);
  r2.dir.add(info);
  await waitFor('a3', () => r2.events.some((e) => e.message === 'a3'));
  expect(r1.events.map((e) => e.message)).toEqual(['a1', 'a2']);
  expect(r2.events.map((e) => e.message)).toEqual(['a3']);
});
