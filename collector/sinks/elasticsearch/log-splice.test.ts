import type { ContainerMeta, LogEvent } from '../../../core/events';
import { logDocument } from '../ecs/documents';
import { BodyBuffer } from './body-buffer';
import { quote, writeLogLine } from './log-splice';

const web: ContainerMeta = {
  id: 'c'.repeat(64),
  name: 'web',
  image: 'nginx:1',
  labels: { 'com.docker.compose.service': 'web' },
  service: 'web',
};
const odd: ContainerMeta = { id: 'd1', name: 'wé"b', image: 'x\\y', labels: { 'a.b': 'ü\n' }, service: 's' };
const base: LogEvent = {
  kind: 'log',
  host: 'h',
  ts: Date.UTC(2026, 10, 25, 10, 0, 0, 7),
  container: web,
  stream: 'stdout',
  message: 'plain line',
  time: '2026-11-25T10:00:00.123456789Z',
  id: 'c1:f:0',
};
const ACTION = '{"create":{"_index":"logs-lookout-default","_id":';

// Every shape a line can take: the splice must equal the document the Logstash sink sends.
const cases: Array<[string, Partial<LogEvent>]> = [
  ['a plain line', {}],
  ['quotes and backslashes', { message: 'say "hi" \\ bye' }],
  ['control characters', { message: 'tab\there\u0001\u001f' }],
  ['non-ASCII text', { message: 'café ☕ 日本語 😀' }],
  ['a lone surrogate', { message: 'bad \ud800 half' }],
  ['U+2028 and DEL', { message: 'line\u2028sep\u007f' }],
  ['a level', { level: 'error' }],
  ['a level that needs escaping', { level: 'we"ird\\' }],
  ['invalid UTF-8', { invalidUtf8: true, message: 'x\ufffd' }],
  ['JSON fields', { fields: { user: { id: 7 }, 'a"b': [1, 'z'] } }],
  ['fields, level and invalid UTF-8', { fields: { n: 1 }, level: 'warn', invalidUtf8: true }],
  ['no usable Docker time', { time: 'x"y' }],
  ['a stderr line of an odd container', { stream: 'stderr', container: odd }],
  ['an id that needs escaping', { id: 'c1:"f":0' }],
  ['an empty message', { message: '' }],
];

test.each(cases)('splice equals action + logDocument: %s', (_, over) => {
  const e = { ...base, ...over };
  const out = new BodyBuffer(16);
  writeLogLine(out, ACTION, e, 'json');
  writeLogLine(out, ACTION, e, 'json'); // twice: the second one copies the cached container bytes
  const one = `${ACTION}${JSON.stringify(e.id)}}}\n${logDocument(e, 'json')}\n`;
  expect(out.done().toString('utf8')).toBe(one + one);
  const [action, doc] = one.split('\n');
  expect(JSON.parse(action!)).toEqual({ create: { _index: 'logs-lookout-default', _id: e.id } });
  expect(JSON.parse(doc!).message).toBe(e.message);
});

test('quote is JSON.stringify for any string', () => {
  for (const s of ['', 'a', '"', '\\', '\n', '\u0000', '\ud83d\ude00', '\udc00', 'é', '\u2028'])
    expect(quote(s)).toBe(JSON.stringify(s));
});
