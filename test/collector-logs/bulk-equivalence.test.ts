import fs from 'node:fs';
import path from 'node:path';
import { TEXT_IS_PLAIN_JSON, type LogEvent } from '../../core/events';
import { bulkBody, defaultIndexNames } from '../../collector/sinks/elasticsearch/bulk';
import { logDocument } from '../../collector/sinks/ecs/documents';
import type { LogsConfigInput } from '../../collector/sources/logs/config';
import { fileContainer } from './support/directory';
import { openStore, startSource, tempDir, type Running } from './support/harness';
import { waitFor } from '../support/docker';

/**
 * Issue 16: the tailer's common line tells the Elasticsearch sink that its text needs no JSON
 * escaping, and the sink then skips the escaping. The `_bulk` body must be byte for byte what it
 * was before, for every kind of line: each event read from a real json-file log goes through
 * the body twice, as the tailer made it and as a plain copy (which has no such promise and takes
 * the escaping path every event took before), and both must equal action + logDocument.
 */

const ID = 'e'.repeat(64);
const TIME = '2026-11-25T10:00:00.000000001Z';
/** A json-file line with `value` written as is between the quotes of `log` (Docker's escaping, by hand). */
const raw = (value: string | Buffer, stream = 'stdout'): Buffer =>
  Buffer.concat([
    Buffer.from('{"log":"'),
    Buffer.isBuffer(value) ? value : Buffer.from(value),
    Buffer.from(`","stream":"${stream}","time":"${TIME}"}\n`),
  ]);

/** Lines of every kind, as bytes in the file, with the message each must give. */
const KINDS: Array<[string, Buffer, string]> = [
  ['plain ASCII', raw('GET /health 200 3ms\\n'), 'GET /health 200 3ms'],
  ['a level word', raw('ERROR db down\\n'), 'ERROR db down'],
  ['a level after a time', raw('2026-11-25 10:00:00,123 WARN slow\\n'), '2026-11-25 10:00:00,123 WARN slow'],
  ['stderr', raw('[error] oops\\n', 'stderr'), '[error] oops'],
  ['escaped quote and backslash', raw('say \\"hi\\" C:\\\\tmp\\n'), 'say "hi" C:\\tmp'],
  ['escaped tab and control', raw('a\\tb\\u0001c\\u001b[31m\\n'), 'a\tb\u0001c\u001b[31m'],
  ['Go escapes <, > and &', raw('\\u003cb\\u003e \\u0026 x\\n'), '<b> & x'],
  ['escaped é', raw('caf\\u00e9\\n'), 'café'],
  ['escaped surrogate pair', raw('smile \\ud83d\\ude00\\n'), 'smile 😀'],
  ['raw UTF-8', raw('café ☕ 日本語 😀\\n'), 'café ☕ 日本語 😀'],
  ['U+2028 escaped by Go', raw('a\\u2028b\\n'), 'a\u2028b'],
  [
    'invalid UTF-8 in the file',
    raw(Buffer.concat([Buffer.from('bad '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(' end\\n')])),
    'bad \ufffd(\ufffd end',
  ],
  ['invalid UTF-8 escaped by Docker', raw('bad \\ufffd byte\\n'), 'bad \ufffd byte'],
  ['a raw control character (not Docker JSON)', raw('tab\there\\n'), 'tab\there'],
  ['a TTY line', raw('prompt\\r\\n'), 'prompt'],
  ['an empty line', raw('\\n'), ''],
  ['a JSON message', raw('{\\"level\\":\\"warn\\",\\"n\\":1}\\n'), '{"level":"warn","n":1}'],
];

let dir: string;
const running: Running[] = [];

beforeEach(() => {
  dir = tempDir('bulk-equivalence');
});

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.stop();
    r.store.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Tails `bytes` as one container's log until `count` events came, with `config`. */
async function tail(bytes: Buffer, count: number, config: LogsConfigInput = {}): Promise<LogEvent[]> {
  const file = path.join(dir, `${ID}-json.log`);
  fs.writeFileSync(file, bytes);
  const r = startSource({ config: { start_at: 'beginning', ...config }, store: openStore(dir) });
  running.push(r);
  r.dir.add(fileContainer(ID, file, { 'com.docker.compose.service': 'web' }, 'web'));
  await waitFor(`${count} events`, () => r.events.length >= count);
  return r.events;
}

const names = defaultIndexNames('data_stream');
// The data stream is the request path's index (bulkPath): the actions name no _index.
const action = '{"create":{"_id":';

function expectSameBody(events: LogEvent[]): void {
  const spliced = bulkBody(events, names, 'json').body.toString('utf8');
  // A spread copy keeps every own field but not the prototype's promise: the escaping path.
  const escaped = bulkBody(
    events.map((e) => ({ ...e })),
    names,
    'json',
  ).body.toString('utf8');
  const reference = events.map((e) => `${action}${JSON.stringify(e.id)}}}\n${logDocument(e, 'json')}\n`);
  expect(spliced).toBe(reference.join(''));
  expect(escaped).toBe(spliced);
}

test('every kind of line gives the same _bulk body with and without the plain-text promise', async () => {
  const events = await tail(Buffer.concat(KINDS.map((k) => k[1])), KINDS.length);
  expect(events.map((e) => e.message)).toEqual(KINDS.map((k) => k[2]));
  expectSameBody(events);
  // The promise is made for the plain lines only, never for one that needed escaping.
  const promised = events.filter((e) => e[TEXT_IS_PLAIN_JSON] === true).map((e) => e.message);
  expect(promised).toEqual([
    'GET /health 200 3ms',
    'ERROR db down',
    '2026-11-25 10:00:00,123 WARN slow',
    '[error] oops',
    'café ☕ 日本語 😀',
    '',
  ]);
  expect(events.find((e) => e.message === 'ERROR db down')?.level).toBe('error');
  expect(events.find((e) => e.message.startsWith('bad \ufffd('))?.invalidUtf8).toBe(true);
});

test('lines split across reads, Docker partial lines, huge lines cut, a partial line at EOF', async () => {
  const many = Array.from({ length: 300 }, (_, i) => raw(`line ${i} ${'x'.repeat(i % 97)}\\n`));
  // Docker splits a long line into pieces (of 16 KiB): only the last one ends with \n.
  const pieces = [raw('p'.repeat(3000)), raw('q'.repeat(3000)), raw('end of long\\n')];
  const huge = raw(`${'h'.repeat(5000)}\\n`);
  const atEof = raw('not finished yet\\n').subarray(0, 20);
  const bytes = Buffer.concat([...many, ...pieces, huge, raw('after\\n'), atEof]);
  // 1000-byte reads split lines everywhere; 4000 bytes cut the huge line and the joined one.
  const events = await tail(bytes, 303, { read_chunk_bytes: 1000, max_line_bytes: 4000 });
  expect(events).toHaveLength(303);
  expect(events[299]!.message).toBe(`line 299 ${'x'.repeat(299 % 97)}`);
  expect(events[300]!.message).toBe('p'.repeat(3000) + 'q'.repeat(1000));
  expect(events[300]!.truncated).toBe(true);
  expect(events[301]!.message).toBe('h'.repeat(4000));
  expect(events[302]!.message).toBe('after');
  expect(events.filter((e) => e[TEXT_IS_PLAIN_JSON] === true)).toHaveLength(301);
  expectSameBody(events);
});

test('multiline records are joined and escaped as before', async () => {
  const lines = ['ERROR boom', '  at f (a.js:1)', '  at "g" (b.js:2)', 'INFO next', '  more'];
  const events = await tail(Buffer.concat(lines.map((l) => raw(`${l.replace(/"/g, '\\"')}\\n`))), 2, {
    multiline: { pattern: '^[A-Z]', max_wait: '50ms' },
  });
  expect(events.map((e) => e.message)).toEqual([lines.slice(0, 3).join('\n'), lines.slice(3).join('\n')]);
  expect(events.map((e) => e.level)).toEqual(['error', 'info']);
  expectSameBody(events);
});

test('a time with a backslash or a control character takes the escaping path, the body unchanged', async () => {
  // Not Docker's, but a file may hold it: the plain promise covers the time as well (issue 16).
  const odd = (time: string) => Buffer.from(`{"log":"odd time\\n","stream":"stdout","time":"${time}"}\n`);
  const events = await tail(
    Buffer.concat([
      odd('2026-11-25T10:00:00.1\\u0030Z'),
      odd('2026-11-25T10:00:00.1\u0001Z'),
      raw('fine\\n'),
    ]),
    3,
  );
  expect(events.map((e) => e[TEXT_IS_PLAIN_JSON] === true)).toEqual([false, false, true]);
  expectSameBody(events);
});
