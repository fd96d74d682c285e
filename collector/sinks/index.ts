export { createSink, createSinks, SINKS } from './registry';
export { sinksSchema, sinkSchema, sinkName, type SinkConfig, type SinkType } from './config';
export { createBusForwardSink } from './kafka';
export type { Sink, SinkDeps, SinkFactory, DeadLetter } from './sink';
