import type { SinkConfig, SinkType } from './config';
import type { Sink, SinkDeps, SinkFactory } from './sink';

/*
 * Each kind's module is required when a config first uses it, not at CLI start: the Elasticsearch
 * client and hot-shots alone were tens of MB of RSS in a collector that ships to stdout.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: { [T in SinkType]: () => SinkFactory<Extract<SinkConfig, { type: T }>> } = {
  stdout: () => (require('./stdout') as typeof import('./stdout')).createStdoutSink,
  elasticsearch: () =>
    (require('./elasticsearch/sink') as typeof import('./elasticsearch/sink')).createElasticsearchSink,
  logstash: () => (require('./logstash') as typeof import('./logstash')).createLogstashSink,
  statsd: () => (require('./statsd') as typeof import('./statsd')).createStatsdSink,
  graphite: () => (require('./graphite') as typeof import('./graphite')).createGraphiteSink,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every sink kind, by its `type` in the config. Adding a kind: a factory, a schema in config.ts, a line in LOADERS. */
export const SINKS = Object.fromEntries(
  (Object.keys(LOADERS) as SinkType[]).map((t) => [
    t,
    (config: SinkConfig, deps: SinkDeps) => (LOADERS[t] as () => SinkFactory<SinkConfig>)()(config, deps),
  ]),
) as { [T in SinkType]: SinkFactory<Extract<SinkConfig, { type: T }>> };

export function createSink(config: SinkConfig, deps: SinkDeps): Sink {
  const factory = SINKS[config.type] as SinkFactory<SinkConfig>;
  return factory(config, deps);
}

export function createSinks(configs: readonly SinkConfig[], deps: SinkDeps): Sink[] {
  return configs.map((c) => createSink(c, deps));
}
