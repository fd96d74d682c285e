export { createSink, createSinks, SINKS, type AnySinkConfig, type AnySinkType } from './registry';
export { sinksSchema, sinkSchema, sinkName, type SinkConfig, type SinkType } from './config';
export { createBusForwardSink, type KafkaSinkConfig } from './kafka';
export type { Sink, SinkDeps, SinkFactory, DeadLetter } from './sink';
