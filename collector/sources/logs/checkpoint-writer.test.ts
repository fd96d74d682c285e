import { Writable } from 'node:stream';
import { ManualClock } from '../../../core/clock';
import { createLogger } from '../../../core/logger';
import { StateStore } from '../../../core/store/store';
import { CheckpointWriter } from './checkpoint-writer';
import { CheckpointStore, type FileCheckpoint } from './checkpoints';

const warnings: string[] = [];
const logger = createLogger({
  format: 'json',
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      warnings.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  }),
});

const at = (offset: number, ino = '2'): FileCheckpoint => ({
  kind: 'file',
  dev: '1',
  ino,
  fp: 'f',
  offset,
  path: '/l.log',
});

function setup(intervalMs = 1000) {
  const db = StateStore.open(':memory:');
  const store = new CheckpointStore(db);
  const clock = new ManualClock(10_000);
  const writer = new CheckpointWriter(store, clock, intervalMs, logger);
  const onDisk = (id = 'c1') => (store.get(id) as FileCheckpoint | undefined)?.offset;
  return { db, store, clock, writer, onDisk };
}

test('within the interval a checkpoint is held (readable through the writer), after it written', () => {
  const { clock, writer, onDisk } = setup();
  writer.put('c1', at(100), clock.now());
  expect(onDisk()).toBe(100); // a container's first checkpoint: at once
  clock.advance(300);
  writer.put('c1', at(200), clock.now());
  writer.put('c1', at(300), clock.now());
  expect(onDisk()).toBe(100);
  expect(writer.get('c1')).toMatchObject({ offset: 300 });
  clock.advance(700);
  writer.put('c1', at(400), clock.now());
  expect(onDisk()).toBe(400);
});

test('a checkpoint in another file (rotation) is written at once', () => {
  const { clock, writer, onDisk } = setup();
  writer.put('c1', at(100), clock.now());
  clock.advance(10);
  writer.put('c1', at(0, '3'), clock.now());
  expect(onDisk()).toBe(0);
});

test('a checkpoint back in the same file (truncated, read again) is written at once', () => {
  const { clock, writer, onDisk } = setup();
  writer.put('c1', at(5000), clock.now());
  clock.advance(10);
  writer.put('c1', at(40), clock.now());
  expect(onDisk()).toBe(40);
});

test('flush writes what is held and makes every later checkpoint immediate', () => {
  const { clock, writer, onDisk } = setup();
  writer.put('c1', at(100), clock.now());
  writer.put('c1', at(200), clock.now());
  writer.put('c2', at(5), clock.now());
  writer.put('c2', at(6), clock.now());
  writer.flush();
  expect([onDisk('c1'), onDisk('c2')]).toEqual([200, 6]);
  writer.put('c1', at(300), clock.now());
  expect(onDisk()).toBe(300);
});

test('the timer writes a held checkpoint no later batch pushed out', async () => {
  const { clock, writer, onDisk } = setup(20);
  writer.put('c1', at(100), clock.now());
  writer.put('c1', at(200), clock.now());
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (onDisk() !== 200) return;
      clearInterval(poll);
      resolve();
    }, 5);
  });
  expect(writer.get('c1')).toMatchObject({ offset: 200 });
});

test('delete drops a held checkpoint too; a timer write into a closed store is a warning', async () => {
  const { db, clock, writer, onDisk } = setup(20);
  writer.put('c1', at(100), clock.now());
  writer.put('c1', at(200), clock.now());
  writer.delete('c1');
  writer.flush();
  expect(onDisk()).toBeUndefined();

  const second = setup(20);
  second.writer.put('c9', at(1), second.clock.now());
  second.writer.put('c9', at(2), second.clock.now());
  second.db.close();
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (!warnings.includes('could not write a log checkpoint')) return;
      clearInterval(poll);
      resolve();
    }, 5);
  });
  db.close();
});

test('interval 0 writes every checkpoint', () => {
  const { clock, writer, onDisk } = setup(0);
  writer.put('c1', at(100), clock.now());
  writer.put('c1', at(200), clock.now());
  expect(onDisk()).toBe(200);
});
