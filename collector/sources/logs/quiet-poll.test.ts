import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { FileFollower } from './follower';
import { QUIET_POLLS_PER_FULL_LOOK, QuietPoll } from './quiet-poll';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-quiet-'));
  file = path.join(dir, 'c-json.log');
  fs.writeFileSync(file, 'first line\n');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A poll that found nothing: the next ones may end at the stat. */
function quietLook(q: QuietPoll): void {
  expect(q.unchanged()).toBe(false);
  q.looked(true);
}

/** A QuietPoll after the first empty look, which takes no stat (lines were flowing before it). */
function afterData(): QuietPoll {
  const q = new QuietPoll(file);
  quietLook(q);
  return q;
}

test('an unchanged file ends the poll, a fuller look comes every QUIET_POLLS_PER_FULL_LOOK polls', () => {
  const q = afterData();
  quietLook(q);
  for (let i = 0; i < QUIET_POLLS_PER_FULL_LOOK; i++) expect(q.unchanged()).toBe(true);
  quietLook(q);
  expect(q.unchanged()).toBe(true);
});

test('a write, a rotation or a truncation is a change; so is a look that found something', () => {
  const q = afterData();
  quietLook(q);
  fs.appendFileSync(file, 'x');
  quietLook(q);
  fs.renameSync(file, `${file}.1`);
  fs.writeFileSync(file, 'first line\nx'); // same size, another inode
  quietLook(q);
  fs.truncateSync(file, 0);
  expect(q.unchanged()).toBe(false);
  q.looked(false); // the look read something: no quiet state to compare with
  expect(q.unchanged()).toBe(false);
  fs.rmSync(file);
  q.looked(true);
  expect(q.unchanged()).toBe(false); // absent: never quiet
});

test('polls of an idle file do not read it, and what is written after them is read', async () => {
  const f = new FileFollower({
    containerId: 'c'.repeat(64),
    logPath: file,
    chunkBytes: 1024,
    maxLineBytes: 4096,
    maxDeletedHoldMs: 60_000,
    clock: new ManualClock(1_000),
    logger: silentLogger(),
  });
  await f.start({ kind: 'oldest' });
  expect((await f.next())?.end).toBeGreaterThan(0);
  expect(await f.next()).toBeUndefined(); // the full looks that find nothing: the first after data
  expect(await f.next()).toBeUndefined(); // takes no stat, the second takes the one to compare with
  const handle = await fs.promises.open(file, 'r');
  const proto = Object.getPrototypeOf(handle) as { read: (...a: unknown[]) => unknown };
  await handle.close();
  const reads = jest.spyOn(proto, 'read');
  try {
    for (let i = 0; i < QUIET_POLLS_PER_FULL_LOOK; i++) expect(await f.next()).toBeUndefined();
    expect(reads).not.toHaveBeenCalled();
    fs.appendFileSync(file, 'second line\n');
    const c = await f.next();
    expect(c && c.buf.toString('latin1', c.start, c.end)).toBe('second line\n');
  } finally {
    reads.mockRestore();
    await f.close();
  }
});
