/**
 * The ledger of outage-collector.test.ts must see what it is there to catch: a line under a
 * second `_id` (doubled), a line never stored (missing), and a replay by `_id` (absorbed).
 */
import { ElasticsearchStandin } from '../support/elasticsearch-standin';
import { LineLedger } from './support-outage';

let es: ElasticsearchStandin;

beforeAll(async () => {
  es = new ElasticsearchStandin();
  es.keepSource = false;
  await es.start();
});
afterAll(() => es.stop());

async function bulk(
  index: string,
  docs: Array<{ id: string; name: string; message: string }>,
): Promise<void> {
  const body = docs
    .map(
      (d) =>
        `${JSON.stringify({ create: { _index: index, _id: d.id } })}\n${JSON.stringify({ message: d.message, container: { name: d.name } })}\n`,
    )
    .join('');
  const res = await fetch(`${es.url}/_bulk`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status).toBe(200);
}

test('counts lines by (container, seq) and ids, absorbing replays by _id', async () => {
  const ledger = new LineLedger(es, 'led-logs', ['c0', 'c1'], 3);
  es.itemFault = (doc, id, index) => {
    ledger.observe(doc, id, index);
    return undefined;
  };
  const line = (name: string, seq: number, id = `${name}-${seq}`) => ({
    id,
    name,
    message: `${name} seq=${seq}`,
  });
  await bulk('led-logs-2026.01.01', [
    line('c0', 0),
    line('c0', 1),
    line('c0', 2),
    line('c1', 0),
    line('c1', 2),
  ]);
  // A replay of the same ids (absorbed), the same line under a new id (doubled), another
  // container's line (ignored), a stray message.
  await bulk('led-logs-2026.01.01', [
    line('c0', 0),
    line('c0', 1),
    line('c1', 2, 'other-id'),
    line('zz', 1),
    { id: 'x', name: 'c1', message: 'hello' },
  ]);
  // `_id` is unique per index: the same id in another day's index is a second document.
  await bulk('led-logs-2026.01.02', [line('c0', 2)]);
  expect(ledger.replays).toBe(2);
  expect(ledger.arrived()).toEqual(
    new Map([
      ['c0', 3],
      ['c1', 2],
    ]),
  );
  expect(ledger.documents()).toBe(7);
  expect(ledger.problems()).toEqual({
    missing: ['c1#1'],
    doubled: ['c0#2×2', 'c1#2×2'],
    missingCount: 1,
    doubledCount: 2,
  });
  expect(ledger.strays).toEqual(['c1: "hello"']);
  ledger.release();
  expect(es.count('led-logs-*')).toBe(0);
});
