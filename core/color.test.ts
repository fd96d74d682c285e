import { Writable } from 'node:stream';
import { useColor } from './color';
import { createLogger } from './logger';

test.each([
  ['a terminal', { isTTY: true }, {}, true],
  ['a pipe', { isTTY: false }, {}, false],
  ['NO_COLOR on a terminal', { isTTY: true }, { NO_COLOR: '1' }, false],
  ['an empty NO_COLOR', { isTTY: true }, { NO_COLOR: '' }, true],
  ['FORCE_COLOR on a pipe', { isTTY: false }, { FORCE_COLOR: '1' }, true],
  ['FORCE_COLOR=0 on a pipe', { isTTY: false }, { FORCE_COLOR: '0' }, false],
  ['NO_COLOR beats FORCE_COLOR', { isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ['a dumb terminal', { isTTY: true }, { TERM: 'dumb' }, false],
])('%s', (_what, stream, env, want) => {
  expect(useColor(stream, env)).toBe(want);
});

/** A destination that says it is a terminal and keeps what it was given. */
function terminal(): { stream: Writable & { isTTY: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c.toString());
        cb();
      },
    }),
    { isTTY: true },
  );
  return { stream, text: () => chunks.join('') };
}

describe('pretty logs on a terminal', () => {
  const saved = {
    NO_COLOR: process.env.NO_COLOR,
    FORCE_COLOR: process.env.FORCE_COLOR,
    TERM: process.env.TERM,
  };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test('are coloured, and plain once NO_COLOR is set', () => {
    delete process.env.FORCE_COLOR;
    delete process.env.NO_COLOR;
    process.env.TERM = 'xterm';
    const tty = terminal();
    createLogger({ destination: tty.stream, format: 'auto' }).info('hello');
    expect(tty.text()).toContain('\x1b[');

    process.env.NO_COLOR = '1';
    const plain = terminal();
    createLogger({ destination: plain.stream, format: 'auto' }).info('hello');
    expect(plain.text()).toContain('hello');
    expect(plain.text()).not.toContain('\x1b[');
  });
});
