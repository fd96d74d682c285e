import { z } from 'zod';
import { dockerSectionSchemas } from './sources/docker/config';
import { sourceSectionSchemas } from './sources/registry';
import type { SinkConfig } from './sinks/config';
import type { DeliveryConfig } from './delivery/config';

/** `collector:` how to reach the Docker engine, and one section per source kind that has settings. */
export const collectorSectionSchema = z
  .object({
    ...dockerSectionSchemas,
    ...sourceSectionSchemas,
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
