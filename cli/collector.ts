import type { Bus } from '../core/bus/bus';
import type { Clock } from '../core/clock';
import type { HealthServer } from '../core/health/server';
import type { Logger } from '../core/logger';
import type { StateStore } from '../core/store/store';
import { pump } from '../collector/pipeline';
import type { Source } from '../collector/source';
import { createDockerClient } from '../collector/sources/docker/client';
import { Discovery } from '../collector/sources/docker/discovery';
import { createLifecycleSource } from '../collector/sources/lifecycle';
import { createStatsSource } from '../collector/sources/stats';
import { createHeartbeatSource } from '../collector/sources/heartbeat';
import { createLogSource } from '../collector/sources/logs/source';
import { createProbeSource } from '../collector/sources/probes';
import { createSinks } from '../collector/sinks/registry';
import type { SinkConfig } from '../collector/sinks/config';
import { createDeadLetter, createDelivery } from '../collector/delivery/delivery';
import { createBusForwardSink } from '../collector/sinks/kafka';
import type { LookoutConfig } from './config';
import type { Resources } from './lifecycle';
import { VERSION } from './version';
import { excludingContainers } from './exclude';
import { prepareSidecar } from '../deploy/sidecar';

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

/**
 * The collector half: Docker discovery feeding the sources (lifecycle, stats, heartbeat, logs,
 * probes), each pumped into the bus, and delivery subscribed to the bus for the sinks.
 * Close order (reverse of opening): sources stop with the signal, then delivery drains, then
 * discovery stops.
 */
export async function startCollector(
  cfg: LookoutConfig,
  deps: CollectorDeps,
): Promise<{ discovery: Discovery }> {
  const { logger, clock, store, bus, res } = deps;
  const c = cfg.collector;
  // Where am I? On the host, or a sidecar with the host's /proc and cgroups under a prefix; and
  // is every mount there (each missing one named)?
  const setup = prepareSidecar({
    hostRoot: c.host_root,
    docker: c.docker,
    statePath: cfg.state.path,
    logsEnabled: c.logs.enabled,
    statsEnabled: c.stats.enabled,
    logger,
  });
  const hostRoot = setup.hostRoot;
  const client = createDockerClient(c.docker, { logger });
  res.add('docker client', () => client.close());
  await client.ping(res.signal);
  const discovery = new Discovery(client, { logger, hostRoot });
  res.add('discovery', () => discovery.stop());

  const sinkConfigs: SinkConfig[] = cfg.sinks;
  const deadLetter = createDeadLetter(cfg.delivery, store, logger);
  const sinks = createSinks(sinkConfigs, { logger, clock, deadLetter });
  if (deps.forward) sinks.push(createBusForwardSink(deps.forward));
  const delivery = createDelivery({ sinks, bus, store, logger, clock, config: cfg.delivery, deadLetter });
  res.add('delivery', () => delivery.close());
  deps.health.addCheck('sinks', () => {
    const stuck = delivery.state().filter((s) => (s as { blocked?: boolean }).blocked);
    return stuck.length === 0
      ? { ok: true }
      : { ok: false, detail: `spool full for ${stuck.map((s) => (s as { sink?: string }).sink).join(', ')}` };
  });

  // The lifecycle source listens on discovery's events connection, so register it before start.
  const host = cfg.host;
  const sourceDeps = {
    logger,
    clock,
    store,
    host,
    containers: excludingContainers(discovery, setup.ownContainerId),
  };
  const sources: Source[] = [createLifecycleSource(discovery, { logger, host })];
  await discovery.start(res.signal);
  logger.info({ containers: discovery.list().length, endpoint: client.endpoint }, 'docker discovery running');
  deps.health.addCheck('docker', () =>
    discovery.connected()
      ? { ok: true }
      : { ok: false, detail: `events stream to ${client.endpoint} is down; reconnecting` },
  );

  if (c.stats.enabled) sources.push(createStatsSource(c.stats, { ...sourceDeps, client, hostRoot }));
  sources.push(createHeartbeatSource(c.heartbeat, { ...sourceDeps, version: VERSION }));
  // Log files are read at the path the engine reports: the sidecar mounts the containers folder at
  // that same path (deploy/compose.yaml), while host_root only relocates /proc and /sys/fs/cgroup.
  if (c.logs.enabled)
    sources.push(createLogSource(c.logs, { ...sourceDeps, docker: client, remoteEngine: client.remote }));
  if (c.probes.targets.length > 0) sources.push(createProbeSource(c.probes, { logger, clock, host }));
  for (const source of sources) res.task(`source ${source.name}`, pump(source, bus, logger, res.signal));
  return { discovery };
}
