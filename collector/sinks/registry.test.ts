import { MemoryBus } from '../../core/bus/memory';
import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { sinkSchema } from './config';
import { SINKS, createSink, type AnySinkConfig, type AnySinkType } from './registry';
import type { SinkDeps } from './sink';

/** Every kind in the registry, so a kind added there is in this table without a line here. */
const kinds = Object.keys(SINKS) as AnySinkType[];

function depsWithBus(): SinkDeps {
  return { logger: silentLogger(), clock: systemClock, deadLetter: { write() {} }, bus: new MemoryBus() };
}

function defaults(type: AnySinkType): AnySinkConfig {
  return type === 'kafka' ? { type } : sinkSchema.parse({ type });
}

test('every kind a `sinks:` entry may name has a factory, and only the kafka sink is not one', () => {
  const configurable = sinkSchema.options.map((o) => o.shape.type.value);
  expect(kinds.filter((k) => !configurable.includes(k as never))).toEqual(['kafka']);
  expect(configurable.every((t) => kinds.includes(t))).toBe(true);
});

test.each(kinds)(
  '%s: made from its defaults, named after its type, takes some events, closes',
  async (type) => {
    const sink = createSink(defaults(type), depsWithBus());
    expect(sink.name).toBe(type);
    expect(sink.accepts.size).toBeGreaterThan(0);
    await sink.close();
  },
);

test.each(kinds)('%s: a second sink of its type goes by the name it is given', async (type) => {
  const sink = createSink({ ...defaults(type), name: `${type}-2` }, depsWithBus());
  expect(sink.name).toBe(`${type}-2`);
  await sink.close();
});

test('the kafka sink needs the fleet bus', () => {
  expect(() => createSink({ type: 'kafka' }, { ...depsWithBus(), bus: undefined })).toThrow(/fleet bus/);
});
