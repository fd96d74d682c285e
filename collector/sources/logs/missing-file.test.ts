import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ManualClock } from '../../../core/clock';
import { tailMetrics } from './metrics';
import { MISSING_FILE_WARN_MS, MissingFileWatch, missingFileMessage } from './missing-file';

const gauge = async () => (await tailMetrics.missingFiles.get()).values.reduce((a, v) => a + v.value, 0);

function watch(logPath: string) {
  const clock = new ManualClock(1_000);
  const logged: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void logged.push(JSON.parse(s)) });
  return { clock, logged, w: new MissingFileWatch(logPath, clock, log) };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missing-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('absent for less than the grace time: nothing said', async () => {
  const { clock, logged, w } = watch(path.join(dir, 'containers/c1/c1-json.log'));
  w.check(false, true);
  clock.advance(MISSING_FILE_WARN_MS - 1);
  w.check(false, true);
  expect(logged).toEqual([]);
  expect(await gauge()).toBe(0);
});

test('absent past the grace time: warned once and counted, until the file appears', async () => {
  const { clock, logged, w } = watch(path.join(dir, 'containers/c1/c1-json.log'));
  const before = await gauge();
  w.check(false, true);
  clock.advance(MISSING_FILE_WARN_MS);
  w.check(false, true);
  clock.advance(MISSING_FILE_WARN_MS);
  w.check(false, true);
  expect(logged.filter((l) => l.level === 40)).toHaveLength(1);
  expect(await gauge()).toBe(before + 1);
  w.check(true, true);
  expect(logged.at(-1)!.msg).toBe('log file appeared: reading it');
  expect(await gauge()).toBe(before);
});

test('a container that is not running has no file to miss; closing clears the gauge', async () => {
  const { clock, logged, w } = watch(path.join(dir, 'containers/c1/c1-json.log'));
  const before = await gauge();
  w.check(false, false);
  clock.advance(10 * MISSING_FILE_WARN_MS);
  w.check(false, false);
  expect(logged).toEqual([]);
  w.check(false, true);
  clock.advance(MISSING_FILE_WARN_MS);
  w.check(false, true);
  expect(await gauge()).toBe(before + 1);
  w.close();
  expect(await gauge()).toBe(before);
});

test('the message names what is missing: the folder, or only the file', () => {
  const root = path.join(dir, 'containers');
  const logPath = path.join(root, 'c1', 'c1-json.log');
  expect(missingFileMessage(logPath)).toContain(`the folder ${root} does not exist here`);
  fs.mkdirSync(root);
  expect(missingFileMessage(logPath)).toContain('does not exist although the container runs');
});
