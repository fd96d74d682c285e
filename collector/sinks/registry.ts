import type { SinkConfig, SinkType } from './config';
import { createElasticsearchSink } from './elasticsearch/sink';
import { createGraphiteSink } from './graphite';
import { createLogstashSink } from './logstash';
import type { Sink, SinkDeps, SinkFactory } from './sink';
import { createStatsdSink } from './statsd';
import { createStdoutSink } from './stdout';

/** Every sink kind, by its `type` in the config. Adding a kind: a factory, a schema in config.ts, a line here. */
export const SINKS: { [T in SinkType]: SinkFactory<Extract<SinkConfig, { type: T }>> } = {
  stdout: createStdoutSink,
  elasticsearch: createElasticsearchSink,
  logstash: createLogstashSink,
  statsd: createStatsdSink,
  graphite: createGraphiteSink,
};

export function createSink(config: SinkConfig, deps: SinkDeps): Sink {
  const factory = SINKS[config.type] as SinkFactory<SinkConfig>;
  return factory(config, deps);
}

export function createSinks(configs: readonly SinkConfig[], deps: SinkDeps): Sink[] {
  return configs.map((c) => createSink(c, deps));
}
