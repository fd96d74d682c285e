/**
 * A load of the alert-state topic that reads on (core/bus/kafka/state-load.ts), as a new owner
 * waiting for a partition's release uses it (alerter/kafka/rebalance.ts): each look reads only
 * what was written since the last one, so a long partition is read once however long the wait.
 * On the Kafka stand-in (or KAFKA_BROKERS).
 */
import { KafkaBus } from '../../core/bus/kafka/bus';
import type { StateEntry } from '../../core/bus/kafka/state-topic';
import { silentLogger } from '../../core/logger';
import { startTestBroker, testConfig, uniquePrefix, type TestBroker } from './support';

const LONG = 3_000;

let broker: TestBroker;
let bus: KafkaBus | undefined;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await bus?.close();
  await broker?.stop();
});

test('a load reads a long partition once, then only what was written since, across looks', async () => {
  bus = new KafkaBus(testConfig(broker.brokers, uniquePrefix('state-load')), { logger: silentLogger() });
  await bus.start();
  const state = bus.stateTopic();
  const p = state.partitionOf('api');
  const entries = (from: number, n: number): StateEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      key: `alert-${from + i}`,
      value: { state: 'firing', n: from + i },
      routingKey: 'api',
    }));
  for (let i = 0; i < LONG; i += 500) await state.putMany(entries(i, 500));
  // Another partition's records are not read.
  const other = ['db', 'web', 'queue', 'cache'].find((r) => state.partitionOf(r) !== p)!;
  await state.put('elsewhere', { state: 'firing' }, other);

  const load = state.openLoad([p]);
  try {
    const first = await load.readOn();
    expect(first.size).toBe(LONG);
    expect(load.read).toBe(LONG);
    // Nothing new: a second look reads nothing.
    expect((await load.readOn()).size).toBe(LONG);
    expect(load.read).toBe(LONG);
    // Written since: one more state, one changed, one deleted.
    await state.putMany([
      { key: 'alert-new', value: { state: 'pending' }, routingKey: 'api' },
      { key: 'alert-0', value: { state: 'resolved' }, routingKey: 'api' },
      { key: 'alert-1', value: null, routingKey: 'api' },
    ]);
    const third = await load.readOn();
    expect(load.read).toBe(LONG + 3);
    expect(third.size).toBe(LONG);
    expect(third.get('alert-new')).toEqual({ value: { state: 'pending' }, partition: p });
    expect(third.get('alert-0')?.value).toEqual({ state: 'resolved' });
    expect(third.has('alert-1')).toBe(false);
    expect(third.has('elsewhere')).toBe(false);
  } finally {
    await load.close();
  }
}, 120_000);
