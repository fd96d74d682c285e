import { PassThrough } from 'node:stream';
import { silentLogger } from '../../../core/logger';
import { ApiLineQueue, MAX_QUEUED } from './api-lines';

/** One frame of a multiplexed logs stream: 8-byte header (stream, 0, 0, 0, size) then the payload. */
const frame = (stream: 1 | 2, text: string | Buffer) => {
  const payload = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
};
const T = '2026-01-02T03:04:05.123456789Z';

function open(tty: boolean) {
  const raw = new PassThrough();
  let changes = 0;
  const lines = new ApiLineQueue(raw, tty, () => changes++, silentLogger());
  return { raw, lines, changes: () => changes };
}

test('TTY: one stream, lines assembled across chunks, a character cut between chunks kept whole', () => {
  const { raw, lines, changes } = open(true);
  const euro = Buffer.from('€');
  raw.write(Buffer.concat([Buffer.from(`${T} price 5`), euro.subarray(0, 1)]));
  raw.write(Buffer.concat([euro.subarray(1), Buffer.from(`\r\n${T} second`)]));
  expect(lines.take(10)).toEqual([{ stream: 'stdout', time: T, message: 'price 5€' }]);
  raw.write('\n');
  expect(lines.take(10)).toEqual([{ stream: 'stdout', time: T, message: 'second' }]);
  expect(changes()).toBe(3);
});

test('multiplexed: stdout and stderr frames become lines of their own stream', () => {
  const { raw, lines } = open(false);
  raw.write(Buffer.concat([frame(1, `${T} out 1\n${T} out`), frame(2, `${T} err 1\n`), frame(1, ' 2\n')]));
  expect(lines.take(10)).toEqual([
    { stream: 'stdout', time: T, message: 'out 1' },
    { stream: 'stderr', time: T, message: 'err 1' },
    { stream: 'stdout', time: T, message: 'out 2' },
  ]);
});

test('take hands out at most max lines, oldest first', () => {
  const { raw, lines } = open(true);
  raw.write(`${T} a\n${T} b\n${T} c\n`);
  expect(lines.take(2).map((l) => l.message)).toEqual(['a', 'b']);
  expect(lines.size).toBe(1);
  expect(lines.take(2).map((l) => l.message)).toEqual(['c']);
});

test('the end of the stream, or its failure, is noted and announced', async () => {
  for (const finish of [(r: PassThrough) => r.end(), (r: PassThrough) => r.destroy(new Error('reset'))]) {
    const { raw, lines, changes } = open(true);
    raw.resume();
    finish(raw);
    await new Promise((r) => setImmediate(r));
    expect(lines.ended).toBe(true);
    expect(changes()).toBe(1);
  }
});

test('a full queue pauses the stream; draining below half resumes it', () => {
  const { raw, lines } = open(true);
  const many = Array.from({ length: MAX_QUEUED + 1 }, (_, i) => `${T} ${i}\n`).join('');
  raw.write(many);
  expect(raw.isPaused()).toBe(true);
  lines.take(MAX_QUEUED / 2 + 1); // half are left: still paused
  expect(raw.isPaused()).toBe(true);
  lines.take(1);
  expect(raw.isPaused()).toBe(false);
});
