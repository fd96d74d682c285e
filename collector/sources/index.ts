export type { Source, SourceBatch, SourceDeps } from '../source';
export { createLifecycleSource } from './lifecycle';
export { createStatsSource } from './stats';
export { createHeartbeatSource } from './heartbeat';
export { createLogSource } from './logs';
export { createProbeSource } from './probes';
