import { sleep, type Clock } from '../../../core/clock';
import type { Heartbeat } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { Source, SourceBatch } from '../../source';
import type { ContainerDirectory } from '../docker/types';
import { type HeartbeatConfig, heartbeatConfigSchema } from './config';
import { commonDeps, defineSource } from '../kind';

export interface HeartbeatDeps {
  logger: Logger;
  clock: Clock;
  host: string;
  containers: ContainerDirectory;
  /** The lookout version stamped on each heartbeat. */
  version: string;
  /** Which process sends it (default `collector`). */
  source?: string;
}

/**
 * One Heartbeat per interval, the first at once. It carries the running containers the
 * collector watches, so absence rules can tell "the container is gone" from "the collector is".
 */
export function createHeartbeatSource(cfg: HeartbeatConfig, deps: HeartbeatDeps): Source {
  const log = deps.logger.child({ component: 'source', source: 'heartbeat' });
  const beat = (): Heartbeat => ({
    kind: 'heartbeat',
    host: deps.host,
    ts: deps.clock.now(),
    source: deps.source ?? 'collector',
    version: deps.version,
    containers: deps.containers
      .list()
      .filter((c) => c.running)
      .map((c) => c.meta)
      .sort((a, b) => a.name.localeCompare(b.name)),
  });
  return {
    name: 'heartbeat',
    async *run(signal: AbortSignal): AsyncIterable<SourceBatch> {
      log.debug({ intervalMs: cfg.interval }, 'heartbeat started');
      while (!signal.aborted) {
        yield { topic: 'heartbeat', events: [beat()] };
        try {
          await sleep(cfg.interval, signal);
        } catch {
          return;
        }
      }
    },
  };
}

export const heartbeatSource = defineSource({
  schema: heartbeatConfigSchema.prefault({}),
  create: (config, deps) => createHeartbeatSource(config, { ...commonDeps(deps), version: deps.version }),
});
