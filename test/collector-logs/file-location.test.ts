import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ManualClock } from '../../core/clock';
import { tailMetrics } from '../../collector/sources/logs/metrics';
import { MISSING_FILE_WARN_MS } from '../../collector/sources/logs/missing-file';
import { waitFor } from '../support/docker';
import { fileContainer } from './support/directory';
import { lines } from './support/fixtures';
import { openStore, startSource, tempDir, type Running } from './support/harness';

/**
 * Where a container's json-file log is: under the host's mount (`host_root`), absent although
 * the container runs (a wrong mount or engine, said once), or not created yet (never started).
 */

const ID = 'f'.repeat(64);
let dir: string;
const running: Running[] = [];

beforeEach(() => {
  dir = tempDir('logs-location');
});

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.stop();
    r.store.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const messages = (r: Running) => r.events.map((e) => e.message);
const until = (r: Running, n: number) =>
  waitFor(`${n} events (have ${r.events.length})`, () => r.events.length >= n);
const metric = async (m: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await m.get()).values.reduce((a, v) => a + v.value, 0);

test('host_root: the engine reports host paths, read under the mount where the host is visible', async () => {
  const hostPath = `/var/lib/docker/containers/${ID}/${ID}-json.log`;
  fs.mkdirSync(path.dirname(path.join(dir, hostPath)), { recursive: true });
  fs.writeFileSync(path.join(dir, hostPath), lines('h', 0, 2));
  const r = startSource({ store: openStore(dir), hostRoot: dir });
  running.push(r);
  r.dir.add(fileContainer(ID, hostPath));
  await until(r, 2);
  expect(messages(r)).toEqual(['h 0', 'h 1']);
});

test('a log file that stays absent is reported once, naming the missing folder, until it appears', async () => {
  const clock = new ManualClock(Date.now());
  const logged: Array<{ level: number; msg: string; path?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void logged.push(JSON.parse(s)) });
  const root = path.join(dir, 'elsewhere/containers');
  const ghost = path.join(root, ID, `${ID}-json.log`);
  const r = startSource({ store: openStore(dir), clock, logger });
  running.push(r);
  r.dir.add(fileContainer(ID, ghost));
  const warnings = () => logged.filter((l) => l.level === 40 && l.path === ghost);
  // Each look moves the clock on; the idle tailer polls at most every 2 s of real time.
  const warning = await waitFor('the missing-file warning', () => {
    clock.advance(2_000);
    return warnings()[0];
  });
  expect(warning.msg).toContain(`the folder ${root} does not exist here`);
  expect(warning.msg).toContain(`-v ${root}:${root}:ro`);
  expect(await metric(tailMetrics.missingFiles)).toBe(1);
  clock.advance(MISSING_FILE_WARN_MS * 3);
  fs.mkdirSync(path.dirname(ghost), { recursive: true });
  fs.writeFileSync(ghost, lines('late', 0, 1));
  await until(r, 1);
  expect(messages(r)).toEqual(['late 0']);
  await waitFor('the gauge back to 0', async () => (await metric(tailMetrics.missingFiles)) === 0);
  expect(warnings()).toHaveLength(1);
  expect(logged.some((l) => l.msg === 'log file appeared: reading it')).toBe(true);
});

test('a created, never started container has no log file yet: no warning', async () => {
  const clock = new ManualClock(Date.now());
  const logged: Array<{ level: number; path?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void logged.push(JSON.parse(s)) });
  const ghost = path.join(dir, 'created', `${ID}-json.log`);
  const r = startSource({ store: openStore(dir), clock, logger });
  running.push(r);
  r.dir.add({ ...fileContainer(ID, ghost), running: false });
  // A negative check has no event to await: the idle tailer looks at least every 2 s, so three
  // waits of 2.1 s with 10 s of clock each give it 30 s of clock time to (wrongly) warn in.
  for (let i = 0; i < 3; i++) {
    clock.advance(MISSING_FILE_WARN_MS);
    await new Promise((res) => setTimeout(res, 2_100));
  }
  expect(logged.filter((l) => l.level === 40 && l.path === ghost)).toEqual([]);
});
