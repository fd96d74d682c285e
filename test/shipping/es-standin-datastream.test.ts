/**
 * The Elasticsearch stand-in's data-stream rules (test/support/elasticsearch-standin-datastream.ts,
 * a TEST DOUBLE), over HTTP as lookout's client meets them: so that the shipping suites that run
 * in `index_mode: data_stream` meet what a real cluster would refuse.
 */
import { ElasticsearchStandin } from '../support/elasticsearch-standin';

let es: ElasticsearchStandin;
beforeAll(async () => {
  es = new ElasticsearchStandin();
  await es.start();
});
afterAll(() => es.stop());

type Item = Record<string, { status: number; _index?: string; error?: { type: string; reason: string } }>;

async function bulk(lines: object[], filterPath?: string): Promise<{ errors?: boolean; items: Item[] }> {
  const q = filterPath ? `?filter_path=${encodeURIComponent(filterPath)}` : '';
  const res = await fetch(`${es.url}/_bulk${q}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { errors?: boolean; items: Item[] };
}

const ts = { '@timestamp': '2026-12-06T12:00:00.000Z', message: 'm' };

test('a name no data_stream template matches is an ordinary index, `index` ops allowed', async () => {
  const r = await bulk([{ index: { _index: 'plain-1', _id: 'a' } }, { message: 'no timestamp needed' }]);
  expect(r.items[0]!.index).toMatchObject({ status: 201, _index: 'plain-1' });
  expect(es.dataStreams.streams.has('plain-1')).toBe(false);
});

test('a data_stream template: created on the first create; index ops and documents without @timestamp refused per item', async () => {
  const t = await fetch(`${es.url}/_index_template/ds`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ index_patterns: ['logs-ds-*'], priority: 200, data_stream: {} }),
  });
  expect(t.status).toBe(200);
  const r = await bulk([
    { index: { _index: 'logs-ds-a', _id: '1' } },
    ts,
    { create: { _index: 'logs-ds-a', _id: '2' } },
    { message: 'no timestamp' },
    { create: { _index: 'logs-ds-a', _id: '3' } },
    ts,
  ]);
  expect(r.errors).toBe(true);
  expect(r.items[0]!.index).toMatchObject({
    status: 400,
    error: {
      type: 'illegal_argument_exception',
      reason: expect.stringContaining('op_type of create') as unknown,
    },
  });
  expect(r.items[1]!.create).toMatchObject({
    status: 400,
    error: { reason: expect.stringContaining('@timestamp') as unknown },
  });
  expect(r.items[2]!.create).toMatchObject({
    status: 201,
    _index: expect.stringMatching(/^\.ds-logs-ds-a-\d{4}\.\d\d\.\d\d-000001$/) as unknown,
  });
  expect(es.count('logs-ds-a')).toBe(1);
});

test('_id is unique per backing index: the same create is a 409, after a rollover a second document', async () => {
  const again = await bulk([
    { create: { _index: 'logs-ds-b', _id: 'x' } },
    ts,
    { create: { _index: 'logs-ds-b', _id: 'x' } },
    ts,
  ]);
  expect(again.items.map((i) => i.create!.status)).toEqual([201, 409]);
  es.dataStreams.rollover('logs-ds-b');
  const replay = await bulk([{ create: { _index: 'logs-ds-b', _id: 'x' } }, ts]);
  expect(replay.items[0]!.create).toMatchObject({
    status: 201,
    _index: expect.stringMatching(/-000002$/) as unknown,
  });
  expect(es.count('logs-ds-b')).toBe(2);
});

test('filter_path keeps only the paths asked for, as lookout asks', async () => {
  const r = await bulk(
    [{ create: { _index: 'logs-ds-c', _id: 'y' } }, ts, { index: { _index: 'logs-ds-c', _id: 'z' } }, ts],
    'errors,items.*.status,items.*.error.type,items.*.error.reason',
  );
  expect(r).toEqual({
    errors: true,
    items: [
      { create: { status: 201 } },
      {
        index: {
          status: 400,
          error: {
            type: 'illegal_argument_exception',
            reason: 'only write ops with an op_type of create are allowed in data streams',
          },
        },
      },
    ],
  });
});
