import os from 'node:os';
import { DEFAULT_SCHEME } from '../dashboards/catalog';
import { z } from 'zod';
import { hostPort } from '../core/config/types';
import { loadConfig } from '../core/config/load';
import { kafkaBusSchema } from '../core/bus/kafka/config';
import { collectorSectionSchema } from '../collector/config';
import { sinksSchema } from '../collector/sinks/config';
import { deliverySchema } from '../collector/delivery/config';
import { alerterConfigSchema } from '../alerter/config';
import { refuseUrlCredentials } from '../alerter/config-url-credentials';
import { notifyConfigSchema } from '../alerter/notify/config';

/**
 * The whole config file: core settings here, each half's sections from its own module. Every
 * section has defaults, so `lookout run` with no config at all works on a Docker host.
 */
const coreSections = {
  /** The host name stamped on every event; defaults to this machine's. */
  host: z.string().min(1).optional(),
  state: z
    .object({
      /** The embedded state store (SQLite, WAL). */
      path: z.string().default('/var/lib/lookout/state.db'),
    })
    .strict()
    .prefault({}),
  log: z
    .object({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      format: z.enum(['auto', 'json', 'pretty']).default('auto'),
    })
    .strict()
    .prefault({}),
  http: z
    .object({
      /** /healthz and /metrics; loopback unless you say otherwise. */
      listen: hostPort(9464).prefault('127.0.0.1:9464'),
    })
    .strict()
    .prefault({}),
};

/** Where events travel between collector and alerter: in process, or Kafka for a fleet. */
const busSchema = z
  .object({
    type: z.enum(['memory', 'kafka']).default('memory'),
    kafka: kafkaBusSchema.prefault({}),
  })
  .strict()
  .prefault({});

export const configSchema = z
  .object({
    ...coreSections,
    collector: collectorSectionSchema,
    sinks: sinksSchema,
    delivery: deliverySchema,
    alerter: alerterConfigSchema,
    notify: notifyConfigSchema.prefault({}),
    bus: busSchema,
  })
  .strict()
  .superRefine((cfg, ctx) => refuseUrlCredentials(cfg.notify, ctx));

export type LookoutConfig = z.output<typeof configSchema> & { host: string };

export function readConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LookoutConfig {
  const cfg = loadConfig(configSchema, { file: file ?? env.LOOKOUT_CONFIG, env });
  const graphite = cfg.notify.links.graphite;
  const derived = graphiteSchemeOfSinks(cfg.sinks);
  graphite.via ??= derived.via;
  graphite.prefix ??= derived.prefix;
  return { ...cfg, host: cfg.host ?? os.hostname() };
}

/**
 * Where this process's metrics land in Graphite, so a page's render image and dashboard links
 * name the series the sinks really write: carbon writes `<prefix>.<host>...`, StatsD's daemon
 * files the same under `stats.gauges.` / `stats.counters.`. A graphite sink wins when both run
 * (its series carry the samples' own times).
 */
export function graphiteSchemeOfSinks(sinks: LookoutConfig['sinks']): {
  via: 'carbon' | 'statsd';
  prefix: string;
} {
  const carbon = sinks.find((s) => s.type === 'graphite');
  if (carbon && 'prefix' in carbon) return { via: 'carbon', prefix: carbon.prefix };
  const statsd = sinks.find((s) => s.type === 'statsd');
  if (statsd && 'prefix' in statsd) return { via: 'statsd', prefix: statsd.prefix };
  return { via: DEFAULT_SCHEME.via, prefix: DEFAULT_SCHEME.prefix };
}
