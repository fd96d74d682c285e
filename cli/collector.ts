import type { Bus } from '../core/bus/bus';
import type { Clock } from '../core/clock';
import type { HealthServer } from '../core/health/server';
import type { Logger } from '../core/logger';
import type { StateStore } from '../core/store/store';
import { createCollector, type Collector } from '../collector';
import type { LookoutConfig } from './config';
import type { Resources } from './lifecycle';
import { VERSION } from './version';

export interface CollectorDeps {
  logger: Logger;
  clock: Clock;
  store: StateStore;
  bus: Bus;
  health: HealthServer;
  res: Resources;
  /** A fleet's bus (Kafka): every event also goes there, through delivery's retries and spool. */
  forward?: Bus;
}

/** The collector half, its parts owned by the command's Resources. */
export async function startCollector(cfg: LookoutConfig, deps: CollectorDeps): Promise<Collector> {
  const { res, ...rest } = deps;
  return createCollector(
    {
      host: cfg.host,
      statePath: cfg.state.path,
      collector: cfg.collector,
      sinks: cfg.sinks,
      delivery: cfg.delivery,
    },
    { ...rest, lifetime: res, version: VERSION },
  );
}
