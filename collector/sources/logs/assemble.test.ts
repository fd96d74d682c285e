import { capUtf8, MultilineJoiner, PartialJoiner, type Assembled, type Piece } from './assemble';
import type { Position } from './position';

const pos = (offset: number): Position => ({ seq: 1, dev: '1', ino: '2', offset, path: '/x' });
const piece = (log: string, offset: number, stream: 'stdout' | 'stderr' = 'stdout'): Piece => ({
  text: log.endsWith('\n') ? log.slice(0, -1) : log,
  last: log.endsWith('\n'),
  stream,
  time: `t${offset}`,
  id: `id-${offset}`,
  pos: pos(offset),
  invalidUtf8: false,
});
const line = (message: string, offset: number): Assembled => ({
  message,
  stream: 'stdout',
  time: `t${offset}`,
  id: `id-${offset}`,
  pos: pos(offset),
  invalidUtf8: false,
  truncated: false,
});

describe('PartialJoiner', () => {
  test('a whole line passes through without its newline', () => {
    const j = new PartialJoiner(1024);
    expect(j.push(piece('hello\n', 0), 0)).toMatchObject({ message: 'hello', id: 'id-0', truncated: false });
    expect(j.pending()).toBeUndefined();
  });

  test('pieces join into one line with the first piece id, time and position', () => {
    const j = new PartialJoiner(1 << 20);
    expect(j.push(piece('a'.repeat(16384), 0), 0)).toBeUndefined();
    expect(j.pending()?.offset).toBe(0);
    expect(j.push(piece('b'.repeat(16384), 100), 0)).toBeUndefined();
    const got = j.push(piece('c\n', 200), 0);
    expect(got).toMatchObject({ id: 'id-0', time: 't0', truncated: false });
    expect(got?.message).toBe('a'.repeat(16384) + 'b'.repeat(16384) + 'c');
    expect(j.pending()).toBeUndefined();
  });

  test('a joined line is cut at the cap and marked, the rest of its pieces swallowed', () => {
    const j = new PartialJoiner(10);
    j.push(piece('12345678', 0), 0);
    j.push(piece('abcdefgh', 1), 0);
    j.push(piece('more', 2), 0);
    const got = j.push(piece('end\n', 3), 0);
    expect(got).toMatchObject({ message: '12345678ab', truncated: true });
  });

  test('the cap never splits a UTF-8 character', () => {
    expect(capUtf8('aé', 2)).toEqual({ text: 'a', cut: true });
    expect(capUtf8('aé', 3)).toEqual({ text: 'aé', cut: false });
  });
});

describe('MultilineJoiner', () => {
  const start = /^\d{4}-\d\d-\d\d /;

  test('continuation lines join the record that a start line opened', () => {
    const j = new MultilineJoiner(start, 1000, 100, 1 << 20);
    expect(j.push(line('2026-01-01 ERROR boom', 0), 0)).toEqual([]);
    expect(j.push(line('  at a()', 10), 1)).toEqual([]);
    expect(j.push(line('  at b()', 20), 2)).toEqual([]);
    const out = j.push(line('2026-01-01 INFO next', 30), 3);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ message: '2026-01-01 ERROR boom\n  at a()\n  at b()', id: 'id-0' });
    expect(j.pending()?.offset).toBe(30);
  });

  test.each([
    ['not due before max_wait', 999, false],
    ['due at max_wait', 1000, true],
    ['due after max_wait', 5000, true],
  ])('a record waiting for continuations: %s', (_n, now, due) => {
    const j = new MultilineJoiner(start, 1000, 100, 1 << 20);
    j.push(line('2026-01-01 x', 0), 0);
    expect(j.dueAt()).toBe(1000);
    expect(j.due(now) !== undefined).toBe(due);
  });

  test('a record is cut at max_lines', () => {
    const j = new MultilineJoiner(start, 1000, 3, 1 << 20);
    j.push(line('2026-01-01 x', 0), 0);
    j.push(line(' 1', 1), 0);
    const out = j.push(line(' 2', 2), 0);
    expect(out.map((r) => r.message)).toEqual(['2026-01-01 x\n 1\n 2']);
  });
});
