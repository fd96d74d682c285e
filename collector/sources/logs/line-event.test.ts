import { TEXT_IS_PLAIN_JSON, type ContainerMeta } from '../../../core/events';
import { PlainJsonTailedLine, TailedLine } from './line-event';

const meta: ContainerMeta = { id: 'c1', name: 'web', image: 'nginx:1', labels: {}, service: 'web' };
const T = '2026-11-25T10:00:00.123456789Z';
const args = ['h', 1764064800123, meta, 'stdout', 'GET / 200', T, 'tag-42', 'info'] as const;
/** The object literal the tailer made before these classes, field for field. */
const literal = {
  kind: 'log',
  host: 'h',
  ts: 1764064800123,
  container: meta,
  stream: 'stdout',
  message: 'GET / 200',
  time: T,
  id: 'tag-42',
  level: 'info',
};

test.each([
  ['TailedLine', TailedLine],
  ['PlainJsonTailedLine', PlainJsonTailedLine],
])('%s looks like the literal to every reader: fields, order, JSON, spread', (_, Line) => {
  const e = new Line(...args);
  expect(Object.keys(e)).toEqual(Object.keys(literal));
  // The spool, the dead-letter file and the Kafka bus serialise events with JSON.stringify.
  expect(JSON.stringify(e)).toBe(JSON.stringify(literal));
  expect({ ...e }).toEqual(literal);
  e.invalidUtf8 = true;
  expect(JSON.parse(JSON.stringify(e))).toEqual({ ...literal, invalidUtf8: true });
});

test('only the plain class makes the promise, and a copy does not carry it', () => {
  const plain = new PlainJsonTailedLine(...args);
  expect(plain[TEXT_IS_PLAIN_JSON]).toBe(true);
  expect(new TailedLine(...args)[TEXT_IS_PLAIN_JSON]).toBeUndefined();
  // A spread copy (the alerter's, for a clock ahead of ours) or an event read back from the
  // spool has no prototype promise: a sink escapes it as any other event.
  expect({ ...plain }[TEXT_IS_PLAIN_JSON]).toBeUndefined();
  expect((JSON.parse(JSON.stringify(plain)) as typeof plain)[TEXT_IS_PLAIN_JSON]).toBeUndefined();
  expect(Object.getOwnPropertySymbols(plain)).toEqual([]);
});
