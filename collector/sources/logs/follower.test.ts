import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { BACKLOG_ROTATION_LOOK_MS, FileFollower } from './follower';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-follower-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag} ${String(i).padStart(5, '0')} ${'x'.repeat(40)}\n`).join('');

/** Every line of every chunk, in order. */
async function drain(f: FileFollower, out: string[]): Promise<void> {
  for (let c = await f.next(); c; c = await f.next())
    out.push(...c.buf.toString('latin1', c.start, c.end).split('\n').filter(Boolean));
}

test('a backlog looks at the live path once per interval, and still follows a rotation whose file is deleted', async () => {
  const log = path.join(dir, 'c-json.log');
  fs.writeFileSync(log, lines('a', 200)); // about 10 KiB: many 1 KiB chunks
  const clock = new ManualClock(1_000);
  const f = new FileFollower({
    containerId: 'c'.repeat(64),
    logPath: log,
    chunkBytes: 1024,
    maxLineBytes: 4096,
    maxDeletedHoldMs: 60_000,
    clock,
    logger: silentLogger(),
  });
  await f.start({ kind: 'oldest' });
  const got: string[] = [];
  const first = await f.next(); // looks at the live path: not rotated
  got.push(...first!.buf.toString('latin1', first!.start, first!.end).split('\n').filter(Boolean));

  // Docker rotates: our file becomes .1, a new live file gets lines.
  fs.renameSync(log, `${log}.1`);
  fs.writeFileSync(log, lines('b', 50));
  const second = await f.next(); // within the interval: no look, so the new file is not held yet
  got.push(...second!.buf.toString('latin1', second!.start, second!.end).split('\n').filter(Boolean));

  clock.advance(BACKLOG_ROTATION_LOOK_MS);
  const third = await f.next(); // looks now: sees the rotation and opens the new file at once
  got.push(...third!.buf.toString('latin1', third!.start, third!.end).split('\n').filter(Boolean));
  // Docker rotates again and deletes both files while the first is being read: had the look
  // not happened, the second file's lines would be lost; it is held open, nothing is lost.
  fs.renameSync(`${log}.1`, `${log}.2`);
  fs.renameSync(log, `${log}.1`);
  fs.rmSync(`${log}.2`);
  fs.rmSync(`${log}.1`);
  fs.writeFileSync(log, lines('c', 10));
  await drain(f, got);
  await f.close();

  const want = (lines('a', 200) + lines('b', 50) + lines('c', 10)).split('\n').filter(Boolean);
  expect(got).toEqual(want);
});
