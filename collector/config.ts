import { z } from 'zod';
import { dockerSectionSchemas } from './sources/docker/config';
import { statsConfigSchema } from './sources/stats/config';
import { heartbeatConfigSchema } from './sources/heartbeat/config';
import { logsConfigSchema } from './sources/logs/config';
import { probesConfigSchema } from './sources/probes/config';
import type { SinkConfig } from './sinks/config';
import type { DeliveryConfig } from './delivery/config';

/** `collector:` what the collector reads: the Docker engine, logs, stats, lifecycle, probes. */
export const collectorSectionSchema = z
  .object({
    ...dockerSectionSchemas,
    logs: logsConfigSchema.prefault({}),
    stats: statsConfigSchema.prefault({}),
    heartbeat: heartbeatConfigSchema.prefault({}),
    probes: probesConfigSchema,
  })
  .strict()
  .prefault({});

export type CollectorSection = z.output<typeof collectorSectionSchema>;

/** The parts of the config file the collector reads; `lookout` hands them in from its one file. */
export interface CollectorConfig {
  /** The host name stamped on every event. */
  host: string;
  /** `state.path`: preflight checks that its folder is writable. */
  statePath: string;
  collector: CollectorSection;
  sinks: SinkConfig[];
  delivery: DeliveryConfig;
}
