import { commonDeps, defineSource } from '../kind';
import { logsConfigSchema } from './config';
import { createLogSource } from './source';

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

// Log files are read at the path the engine reports: the sidecar mounts the containers folder at
// that same path (deploy/compose.yaml), while host_root only relocates /proc and /sys/fs/cgroup,
// so the log source is not given hostRoot.
export const logsSource = defineSource({
  schema: logsConfigSchema.prefault({}),
  enabled: (config) => config.enabled,
  create: (config, deps) =>
    createLogSource(config, { ...commonDeps(deps), docker: deps.docker, remoteEngine: deps.docker.remote }),
});
