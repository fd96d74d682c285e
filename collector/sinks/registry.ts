import type { SinkConfig } from './config';
import type { KafkaSinkConfig } from './kafka';
import type { Sink, SinkDeps, SinkFactory } from './sink';

/** A `sinks:` entry, or the kafka sink createCollector adds for a fleet's bus. */
export type AnySinkConfig = SinkConfig | KafkaSinkConfig;
export type AnySinkType = AnySinkConfig['type'];

/*
 * Each kind's module is required when a config first uses it, not at CLI start: the Elasticsearch
 * client and hot-shots alone were tens of MB of RSS in a collector that ships to stdout.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: { [T in AnySinkType]: () => SinkFactory<Extract<AnySinkConfig, { type: T }>> } = {
  stdout: () => (require('./stdout') as typeof import('./stdout')).createStdoutSink,
  elasticsearch: () =>
    (require('./elasticsearch/sink') as typeof import('./elasticsearch/sink')).createElasticsearchSink,
  logstash: () => (require('./logstash') as typeof import('./logstash')).createLogstashSink,
  statsd: () => (require('./statsd') as typeof import('./statsd')).createStatsdSink,
  graphite: () => (require('./graphite') as typeof import('./graphite')).createGraphiteSink,
  kafka: () => (require('./kafka') as typeof import('./kafka')).createKafkaSink,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every sink kind, by its `type`. Adding a kind: a factory, a schema in config.ts, a line in LOADERS. */
export const SINKS = Object.fromEntries(
  (Object.keys(LOADERS) as AnySinkType[]).map((t) => [
    t,
    (config: AnySinkConfig, deps: SinkDeps) =>
      (LOADERS[t] as () => SinkFactory<AnySinkConfig>)()(config, deps),
  ]),
) as { [T in AnySinkType]: SinkFactory<Extract<AnySinkConfig, { type: T }>> };

export function createSink(config: AnySinkConfig, deps: SinkDeps): Sink {
  const factory = SINKS[config.type] as SinkFactory<AnySinkConfig>;
  return factory(config, deps);
}

export function createSinks(configs: readonly AnySinkConfig[], deps: SinkDeps): Sink[] {
  return configs.map((c) => createSink(c, deps));
}
