import type { LogEvent, LookoutEvent } from '../../../core/events';
import { bulkBody, bulkOutcome, bulkPath, defaultIndexNames } from './bulk';
import { lifecycleDocument, iso } from '../ecs/documents';

const meta = { id: 'c1', name: 'web', image: 'nginx:1', labels: { 'a.b': '1' }, service: 'web' };
const log = (i: number, over: Partial<LogEvent> = {}): LogEvent => ({
  kind: 'log',
  host: 'h',
  ts: Date.UTC(2026, 10, 25, 23, 59, 59, 999) + i,
  container: meta,
  stream: 'stdout',
  message: `m"${i}`,
  time: '',
  id: `c1:f:${i}`,
  ...over,
});

test('body: create actions with _id, daily index by event time (UTC), one document a line', () => {
  const { body, sent, index } = bulkBody(
    [log(0), log(1), { kind: 'heartbeat', host: 'h', ts: 0, source: 'c', containers: [], version: '1' }],
    defaultIndexNames('daily'),
    'json',
  );
  const lines = body.toString('utf8').split('\n');
  expect(lines).toHaveLength(5);
  // The first document's index goes in the request path; a document of another index names its own.
  expect(index).toBe('lookout-logs-2026.11.25');
  expect(bulkPath(index)).toBe('/lookout-logs-2026.11.25/_bulk');
  expect(JSON.parse(lines[0]!)).toEqual({ create: { _id: 'c1:f:0' } });
  expect(JSON.parse(lines[2]!)).toEqual({ create: { _index: 'lookout-logs-2026.11.26', _id: 'c1:f:1' } });
  expect(JSON.parse(lines[1]!)).toMatchObject({
    '@timestamp': '2026-11-25T23:59:59.999Z',
    message: 'm"0',
    container: { labels: { a_b: '1' } },
  });
  expect(sent).toHaveLength(2); // the heartbeat is not a document
});

test('no documents, no index for the path: the plain /_bulk', () => {
  const hb: LookoutEvent = { kind: 'heartbeat', host: 'h', ts: 0, source: 'c', containers: [], version: '1' };
  expect(bulkBody([hb], defaultIndexNames('daily'), 'json').index).toBeUndefined();
  expect(bulkPath(undefined)).toBe('/_bulk');
  expect(bulkPath('a b')).toBe('/a%20b/_bulk');
});

test('sent: the documents in body order; the batch itself when every event is one', () => {
  const hb: LookoutEvent = { kind: 'heartbeat', host: 'h', ts: 0, source: 'c', containers: [], version: '1' };
  const all = [log(0), log(1), log(2)];
  expect(bulkBody(all, defaultIndexNames('daily'), 'json').sent).toBe(all);
  const mixed = [log(0), hb, log(1), hb, log(2)];
  const { sent } = bulkBody(mixed, defaultIndexNames('daily'), 'json');
  expect(sent.map((e) => (e as LogEvent).id)).toEqual(['c1:f:0', 'c1:f:1', 'c1:f:2']);
  expect(mixed).toHaveLength(5); // the batch is read, never changed
  const first = bulkBody([hb, log(3)], defaultIndexNames('daily'), 'json').sent;
  expect(first.map((e) => (e as LogEvent).id)).toEqual(['c1:f:3']);
});

test('data stream names by default', () => {
  const { body, index } = bulkBody(
    [log(0), { kind: 'lifecycle', host: 'h', ts: 5, action: 'start', container: meta }],
    defaultIndexNames('data_stream'),
    'json',
  );
  const lines = body.toString('utf8').split('\n');
  expect(index).toBe('logs-lookout-default');
  expect(JSON.parse(lines[0]!).create).toEqual({ _id: 'c1:f:0' });
  expect(JSON.parse(lines[2]!).create).toEqual({
    _index: 'logs-lookout.lifecycle-default',
    _id: 'c1:start:5',
  });
});

test("Docker's own time is kept when it looks like RFC 3339, else the event time", () => {
  const withTime = JSON.parse(
    bulkBody([log(0, { time: '2026-11-25T10:00:00.123456789Z' })], defaultIndexNames('daily'), 'json')
      .body.toString()
      .split('\n')[1]!,
  );
  expect(withTime['@timestamp']).toBe('2026-11-25T10:00:00.123456789Z');
  const junk = JSON.parse(
    bulkBody([log(0, { time: 'x"y' })], defaultIndexNames('daily'), 'json')
      .body.toString()
      .split('\n')[1]!,
  );
  expect(junk['@timestamp']).toBe('2026-11-25T23:59:59.999Z');
});

test.each([
  [0, '1970-01-01T00:00:00.000Z'],
  [1_764_000_000_007, '2025-11-24T16:00:00.007Z'],
  [1_764_000_000_070, '2025-11-24T16:00:00.070Z'],
  [1_764_000_000_700, '2025-11-24T16:00:00.700Z'],
])('iso(%d)', (ts, want) =>
  expect(iso(ts)).toBe(new Date(ts).toISOString() === want ? want : new Date(ts).toISOString()),
);

test('lifecycle document', () => {
  const d = JSON.parse(
    lifecycleDocument({
      kind: 'lifecycle',
      host: 'h',
      ts: 0,
      action: 'die',
      container: meta,
      exitCode: 137,
      oomKilled: true,
    }),
  );
  expect(d).toMatchObject({
    message: 'container web die',
    event: { action: 'die', id: 'c1:die:0' },
    process: { exit_code: 137 },
    lookout: { oom_killed: true },
  });
});

const ev = (n: number): LookoutEvent[] => Array.from({ length: n }, (_, i) => log(i));

test.each([
  ['no errors', { errors: false }, { ok: 3, retry: 0, dead: 0 }],
  [
    '409 on replay counts as delivered',
    {
      errors: true,
      items: [{ create: { status: 201 } }, { create: { status: 409 } }, { create: { status: 409 } }],
    },
    { ok: 3, retry: 0, dead: 0 },
  ],
  [
    '429 and 5xx are retried',
    {
      errors: true,
      items: [{ create: { status: 429 } }, { create: { status: 503 } }, { create: { status: 201 } }],
    },
    { ok: 1, retry: 2, dead: 0 },
  ],
  [
    '400 is dead-lettered with its reason',
    {
      errors: true,
      items: [
        {
          create: {
            status: 400,
            error: { type: 'document_parsing_exception', reason: 'failed to parse field [json.user]' },
          },
        },
        { create: { status: 201 } },
        { create: { status: 201 } },
      ],
    },
    { ok: 2, retry: 0, dead: 1 },
  ],
  [
    'a missing item is retried, never lost',
    { errors: true, items: [{ create: { status: 201 } }] },
    { ok: 1, retry: 2, dead: 0 },
  ],
])('outcome: %s', (_what, res, want) => {
  const out = bulkOutcome(ev(3), res);
  expect({ ok: out.ok, retry: out.retry.length, dead: out.dead.length }).toEqual(want);
  if (want.dead)
    expect(out.dead[0]!.reason).toBe('400 document_parsing_exception: failed to parse field [json.user]');
});
