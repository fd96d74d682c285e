import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import type { DockerClient } from './docker/client';
import type { Discovery } from './docker/discovery';
import type { SourceKindDeps } from './kind';
import { SOURCES, createSources, sourceSectionSchemas, type SourceSettings } from './registry';

/** Every kind in the registry, so a kind added there is in this table without a line here. */
const kinds = Object.keys(SOURCES) as Array<keyof typeof SOURCES>;
const store = StateStore.open(':memory:');
afterAll(() => store.close());

const deps: SourceKindDeps = {
  logger: silentLogger(),
  clock: systemClock,
  store,
  host: 'h',
  containers: { get: () => undefined, list: () => [], watch: () => () => {} },
  discovery: { onContainerEvent: () => () => {} } as unknown as Discovery,
  containerEvents: { onContainerEvent: () => () => {} },
  docker: { remote: false } as DockerClient,
  hostRoot: '/',
  version: 'test',
};

/** What an empty `collector:` section gives each kind. */
function defaults(): SourceSettings {
  const entries = Object.entries(sourceSectionSchemas).map(([k, schema]) => [k, schema.parse(undefined)]);
  return Object.fromEntries(entries) as SourceSettings;
}

test.each(kinds)('%s: made from its defaults (or when asked for), named after its key', (key) => {
  const kind = SOURCES[key];
  const config: unknown = kind.schema?.parse(
    key === 'probes' ? { targets: [{ tcp: 'db:5432' }] } : undefined,
  );
  const source = (kind.create as (c: unknown, d: SourceKindDeps) => { name: string })(config, deps);
  expect(source.name).toBe(key);
});

test('an empty config starts every source but the probes, in registry order', () => {
  expect(createSources(defaults(), deps).map((s) => s.name)).toEqual([
    'lifecycle',
    'stats',
    'host_metrics',
    'heartbeat',
    'logs',
  ]);
});

test('a kind is left out when its settings say so', () => {
  const settings = defaults();
  settings.logs.enabled = false;
  settings.stats.enabled = false;
  settings.host_metrics.enabled = false;
  expect(createSources(settings, deps).map((s) => s.name)).toEqual(['lifecycle', 'heartbeat']);
});

test('each kind with settings owns the `collector:` key of its name', () => {
  expect(Object.keys(sourceSectionSchemas)).toEqual(kinds.filter((k) => SOURCES[k].schema !== undefined));
});
