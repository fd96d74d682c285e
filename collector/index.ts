import type { Bus } from '../core/bus/bus';
import type { Clock } from '../core/clock';
import type { HealthServer } from '../core/health/server';
import type { Logger } from '../core/logger';
import type { StateStore } from '../core/store/store';
import type { CollectorConfig } from './config';
import { createDeadLetter, createDelivery, type Delivery } from './delivery';
import { prepareSidecar } from './host';
import { pump } from './pipeline';
import { createSinks, type AnySinkConfig } from './sinks';
import { createSources } from './sources';
import { createDockerClient, Discovery } from './sources/docker';
import { containerFilter, excludingContainers, watchedEvents } from './sources/docker/exclude';
import { sinksHealth } from './delivery/health';
import { dockerEngineCheck } from './sources/docker/health';

export { collectorSectionSchema, type CollectorConfig, type CollectorSection } from './config';

/**
 * Who owns the collector's long-lived parts (the CLI's Resources): what is added is closed in
 * reverse order once the signal aborts; a task that fails stops the whole process.
 */
export interface CollectorLifetime {
  readonly signal: AbortSignal;
  add(name: string, close: () => Promise<void> | void): void;
  task(name: string, run: Promise<void>): void;
}

export interface CollectorDeps {
  logger: Logger;
  clock: Clock;
  store: StateStore;
  bus: Bus;
  health: HealthServer;
  lifetime: CollectorLifetime;
  /** The lookout version stamped on heartbeats. */
  version: string;
  /** A fleet's bus (Kafka): every event also goes there, through delivery's retries and spool. */
  forward?: Bus;
}

export interface Collector {
  discovery: Discovery;
  delivery: Delivery;
}

/**
 * The collector: Docker discovery feeding the sources (lifecycle, stats, heartbeat, logs,
 * probes), each pumped into the bus, and delivery subscribed to the bus for the sinks.
 * Close order (reverse of opening): sources stop with the signal, then delivery drains, then
 * discovery stops.
 */
export async function createCollector(config: CollectorConfig, deps: CollectorDeps): Promise<Collector> {
  const { logger, lifetime } = deps;
  const c = config.collector;
  // Where am I? On the host, or a sidecar with the host's /proc and cgroups under a prefix; and
  // is every mount there (each missing one named)?
  const setup = prepareSidecar({
    hostRoot: c.host_root,
    docker: c.docker,
    statePath: config.statePath,
    logsEnabled: c.logs.enabled,
    statsEnabled: c.stats.enabled,
    logger,
  });
  const client = createDockerClient(c.docker, { logger });
  lifetime.add('docker client', () => client.close());
  await client.ping(lifetime.signal);
  const discovery = new Discovery(client, { logger, hostRoot: setup.hostRoot });
  lifetime.add('discovery', () => discovery.stop());
  const delivery = startDelivery(config, deps);

  await discovery.start(lifetime.signal);
  logger.info({ containers: discovery.list().length, endpoint: client.endpoint }, 'docker discovery running');
  deps.health.addCheck(
    'docker',
    dockerEngineCheck(
      () => discovery.connected(),
      () => deps.clock.now(),
      client.endpoint,
    ),
  );
  // The one decision, made here, that every container source consults.
  const watched = containerFilter(c.docker, setup.ownContainerId);
  const sources = createSources(c, {
    logger,
    clock: deps.clock,
    store: deps.store,
    version: deps.version,
    host: config.host,
    containers: excludingContainers(discovery, watched),
    discovery,
    containerEvents: watchedEvents(discovery, watched),
    docker: client,
    hostRoot: setup.hostRoot,
  });
  for (const source of sources)
    lifetime.task(`source ${source.name}`, pump(source, deps.bus, logger, lifetime.signal));
  return { discovery, delivery };
}

function startDelivery(config: CollectorConfig, deps: CollectorDeps): Delivery {
  const { logger, clock, store, bus } = deps;
  const deadLetter = createDeadLetter(config.delivery, store, logger);
  // The fleet's bus is a sink like the others (sinks/kafka.ts), asked for by the command, not by `sinks:`.
  const configs: AnySinkConfig[] = deps.forward ? [...config.sinks, { type: 'kafka' }] : config.sinks;
  const sinks = createSinks(configs, { logger, clock, deadLetter, bus: deps.forward });
  const delivery = createDelivery({ sinks, bus, store, logger, clock, config: config.delivery, deadLetter });
  deps.lifetime.add('delivery', () => delivery.close());
  deps.health.addCheck('sinks', () => sinksHealth(delivery.state(), clock.now()));
  return delivery;
}
