import { newLine, parseJsonFileLine, timeToMs } from './jsonfile';

const T = '2026-11-25T15:19:00.123456789Z';
const line = (log: string, stream = 'stdout', time = T) =>
  `{"log":${JSON.stringify(log)},"stream":"${stream}","time":"${time}"}`;

function parse(text: string | Buffer) {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  // Surround with other bytes: the parser must respect start/end.
  const padded = Buffer.concat([Buffer.from('xx\n'), buf, Buffer.from('\nyy')]);
  const out = newLine();
  if (!parseJsonFileLine(padded, 3, 3 + buf.length, false, out)) return undefined;
  // Back to the `log` field as Docker wrote it, to compare with the input.
  return {
    log: out.text + (out.last ? '\n' : ''),
    stream: out.stream,
    time: out.time,
    invalidUtf8: out.invalidUtf8,
  };
}

describe('parseJsonFileLine', () => {
  test.each([
    ['plain stdout', line('hello world\n'), { log: 'hello world\n', stream: 'stdout', invalidUtf8: false }],
    ['stderr', line('oops\n', 'stderr'), { log: 'oops\n', stream: 'stderr', invalidUtf8: false }],
    [
      'partial piece (no trailing newline)',
      line('x'.repeat(100)),
      { log: 'x'.repeat(100), stream: 'stdout', invalidUtf8: false },
    ],
    [
      'quotes, tabs, backslashes',
      line('a "quoted" \\ path\ttab\n'),
      { log: 'a "quoted" \\ path\ttab\n', stream: 'stdout', invalidUtf8: false },
    ],
    [
      'control and NUL bytes (escaped by Docker)',
      line('bin\u0000\u0001\u001b[31m\n'),
      { log: 'bin\u0000\u0001\u001b[31m\n', stream: 'stdout', invalidUtf8: false },
    ],
    [
      'multi-byte UTF-8',
      line('héllo wörld ✓ 😀\n'),
      { log: 'héllo wörld ✓ 😀\n', stream: 'stdout', invalidUtf8: false },
    ],
    [
      'a real U+FFFD is not invalid input',
      line('keep \uFFFD as is\n'),
      { log: 'keep \uFFFD as is\n', stream: 'stdout', invalidUtf8: false },
    ],
    [
      'Docker-escaped invalid byte',
      `{"log":"bad \\ufffd byte\\n","stream":"stdout","time":"${T}"}`,
      { log: 'bad \uFFFD byte\n', stream: 'stdout', invalidUtf8: true },
    ],
    [
      'attrs (log-opt labels) take the general path',
      `{"log":"with attrs\\n","stream":"stdout","attrs":{"app":"x"},"time":"${T}"}`,
      { log: 'with attrs\n', stream: 'stdout', invalidUtf8: false },
    ],
    [
      'content containing the field separator text',
      line('x","stream":"stderr\n'),
      { log: 'x","stream":"stderr\n', stream: 'stdout', invalidUtf8: false },
    ],
    ['empty line', line('\n'), { log: '\n', stream: 'stdout', invalidUtf8: false }],
    [
      'a TTY line ends with CR LF: both go',
      line('tty\r\n'),
      { log: 'tty\n', stream: 'stdout', invalidUtf8: false },
    ],
    [
      'an unescaped quote inside log is not Docker JSON',
      `{"log":"a"b\\n","stream":"stdout","time":"${T}"}`,
      undefined,
    ],
    [
      'short time',
      line('x\n', 'stdout', '2026-11-25T15:19:00Z'),
      { log: 'x\n', stream: 'stdout', invalidUtf8: false, time: '2026-11-25T15:19:00Z' },
    ],
  ])('%s', (_name, text, want) => {
    expect(parse(text)).toEqual(want && { time: T, ...want });
  });

  test('raw invalid UTF-8 bytes in the file are kept as U+FFFD and marked', () => {
    const buf = Buffer.concat([
      Buffer.from('{"log":"raw '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(` end\\n","stream":"stdout","time":"${T}"}`),
    ]);
    const got = parse(buf);
    expect(got?.invalidUtf8).toBe(true);
    expect(got?.log).toMatch(/^raw \uFFFD+ end\n$/);
  });

  test.each([
    ['not JSON at all', 'garbage line'],
    ['truncated JSON', line('cut\n').slice(0, 20)],
    ['JSON but not an object', '"a string"'],
    ['object without log', `{"msg":"x","time":"${T}"}`],
    ['log not a string', `{"log":42,"stream":"stdout","time":"${T}"}`],
    ['empty', ''],
  ])('corrupt: %s', (_name, text) => {
    expect(parse(text)).toBeUndefined();
  });
});

describe('parseJsonFileLine on a chunk known to be ASCII', () => {
  // The tailer checks each chunk once and then copies the text instead of decoding it.
  test.each([
    ['a whole line', line('INFO ready, 12 workers up\n')],
    ['a partial piece', line('x'.repeat(80))],
    ['a line with escapes (the general path)', line('say "hi"\tthere\n', 'stderr')],
  ])('%s: the same result as the decoding path', (_name, text) => {
    const buf = Buffer.from(text);
    const copied = newLine();
    const decoded = newLine();
    expect(parseJsonFileLine(buf, 0, buf.length, true, copied, true)).toBe(true);
    expect(parseJsonFileLine(buf, 0, buf.length, true, decoded)).toBe(true);
    expect(copied).toEqual(decoded);
  });
});

describe('plain: text JSON would write as it is', () => {
  // The Elasticsearch sink skips escaping for such text (issue 16): a wrong "true" corrupts a body.
  const raw = (value: Buffer | string) =>
    Buffer.concat([
      Buffer.from('{"log":"'),
      Buffer.from(value),
      Buffer.from(`","stream":"stdout","time":"${T}"}`),
    ]);
  const rawTime = (time: string) => Buffer.from(`{"log":"GET / 200\\n","stream":"stdout","time":"${time}"}`);
  test.each([
    ['a whole ASCII line', raw('GET / 200\\n'), true],
    ['a partial piece', raw('x'.repeat(60)), true],
    ['raw UTF-8', raw('café ☕ 😀\\n'), true],
    ['an empty line', raw('\\n'), true],
    ['a raw tab (not Docker JSON, escaped later)', raw('a\tb\\n'), false],
    ['a raw control character at the end', raw('ab\u0001\\n'), false],
    ['an escaped quote', raw('say \\"hi\\"\\n'), false],
    ['an escaped backslash', raw('C:\\\\tmp\\n'), false],
    ['an escaped unicode character', raw('\\u003cb\\u003e\\n'), false],
    ['a TTY line', raw('tty\\r\\n'), false],
    // The promise covers the time too (the sink writes it unquoted): not Docker's, but kept as is.
    ['a backslash in the time', rawTime('2026-11-25T15:19:00.1\\u0030Z'), false],
    ['a control character in the time', rawTime('2026-11-25T15:19:00.1\u0001Z'), false],
  ])('%s', (_name, buf, plain) => {
    for (const ascii of [false, true]) {
      const out = newLine();
      expect(parseJsonFileLine(buf, 0, buf.length, false, out, ascii && buf.every((b) => b < 0x80))).toBe(
        true,
      );
      expect(out.plain).toBe(plain);
      if (plain) expect(JSON.stringify(out.text)).toBe(`"${out.text}"`);
    }
  });
});

describe('timeToMs', () => {
  test.each([
    ['2026-11-25T15:19:00.123456789Z', Date.UTC(2026, 10, 25, 15, 19, 0, 123)],
    ['2026-11-25T15:19:00.1Z', Date.UTC(2026, 10, 25, 15, 19, 0, 100)],
    ['2026-11-25T15:19:00.000000001Z', Date.UTC(2026, 10, 25, 15, 19, 0, 0)],
    ['2026-11-25T15:19:01Z', Date.UTC(2026, 10, 25, 15, 19, 1, 0)],
    ['2026-11-25T17:19:00.5+02:00', Date.UTC(2026, 10, 25, 15, 19, 0, 500)],
    ['2026-11-25T15:19:02.999999999Z', Date.UTC(2026, 10, 25, 15, 19, 2, 999)],
  ])('%s', (time, ms) => {
    expect(timeToMs(time)).toBe(ms);
  });
});

describe('the time read from the bytes on the fast path', () => {
  // The parser reads ts from the line's bytes with a cache of its own (issue 16); it must be
  // timeToMs of the same text for every shape, on a cache hit, a miss and the odd cases.
  const times = [
    '2026-11-25T15:19:00.123456789Z',
    '2026-11-25T15:19:00.987Z', // same second: a cache hit
    '2026-11-25T15:19:01.5Z', // the next second: a miss
    '2026-11-25T15:19:00.000000001Z', // back again
    '2026-12-25T15:19:01.5Z', // only the month differs
    '2026-11-25T15:19:02Z', // no fraction
    '2026-11-25T15:19:02.Z', // an empty fraction
    '2026-11-25T15:19:02.1x3Z', // not digits
    '2026-11-25T17:19:00.5+02:00', // an offset
    '2026-13-45T99:99:99.1Z', // not a date
    'yesterday',
  ];
  test.each(times)('%s', (time) => {
    const buf = Buffer.from(line('GET / 200\n', 'stdout', time));
    const out = newLine();
    expect(parseJsonFileLine(buf, 0, buf.length, true, out, true)).toBe(true);
    expect(out.time).toBe(time);
    expect(out.ts).toEqual(timeToMs(time));
  });
});

test('a time that cannot be read is 0, never NaN (a NaN ts made the Elasticsearch sink throw)', () => {
  for (const t of [
    '2026-11-25T15:19:00.1\\u0030Z',
    '2026-11-25T15:19:00.1\u0001Z',
    '2026-13-45T99:99:99.1Z',
    'x',
  ])
    expect(timeToMs(t)).toBe(0);
});
