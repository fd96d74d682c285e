export { createLogSource, type LogSourceDeps } from './source';
export {
  logsConfigSchema,
  logsConfig,
  type LogsConfig,
  type LogsConfigInput,
  START_AT,
  type StartAt,
} from './config';
export { tailMetrics } from './metrics';
export { LABEL_MULTILINE, LABEL_PARSE, type TailedLogEvent } from './tailer';
