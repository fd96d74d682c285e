import { MemoryBus } from '../core/bus/memory';
import type { KafkaBus } from '../core/bus/kafka';
import type { Logger } from '../core/logger';
import type { LookoutConfig } from './config';
import { systemClock } from '../core/clock';
import { startHealthServer } from '../core/health/server';
import { createLogger } from '../core/logger';
import { StateStore } from '../core/store/store';
import { readConfig } from './config';
import { startAlerter } from './alerter';
import { startCollector } from './collector';
import { Resources } from './lifecycle';
import { exposeBusDepths } from './metrics';
import { sinksSchema } from '../collector/sinks/config';
import { ConfigError } from '../core/errors';

export interface RunOptions {
  mode: 'run' | 'collect' | 'alert';
  configFile?: string;
  /** `--sink` on the command line replaces the configured sinks. */
  sinks?: string[];
  bus?: 'memory' | 'kafka';
}

/** `--sink stdout` etc.: each type with its defaults, as if written `- {type: X}` in the config. */
function sinksFromFlag(types: string[]) {
  const parsed = sinksSchema.safeParse(types.map((type) => ({ type })));
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((i) => ({ file: '--sink', line: 0, col: 0, key: '', message: i.message })),
  );
}

/** `lookout run | collect | alert`: wire the configured components and run until stopped. */
export async function runCommand(opts: RunOptions): Promise<void> {
  const cfg = readConfig(opts.configFile);
  if (opts.sinks) cfg.sinks = sinksFromFlag(opts.sinks);
  const logger = createLogger(cfg.log);
  const clock = systemClock;
  const res = new Resources(logger);
  const store = StateStore.open(cfg.state.path);
  res.add('state store', () => store.close());
  const health = await startHealthServer(cfg.http.listen, logger.child({ component: 'health' }));
  res.add('health server', () => health.close());
  const bus = new MemoryBus();
  res.add('bus', () => bus.close());
  exposeBusDepths(bus);
  const busType = opts.bus ?? (opts.mode === 'alert' ? 'kafka' : cfg.bus.type);
  if (opts.mode === 'run' && busType === 'kafka')
    logger.warn(
      'bus: kafka is for `lookout collect` and `lookout alert` in a fleet; `lookout run` keeps its events in process',
    );
  const kafka = busType === 'kafka' && opts.mode !== 'run' ? newKafkaBus(cfg, logger) : undefined;
  if (kafka) {
    // Fail fast (topics missing and not creatable, brokers unreachable) rather than at the first event.
    await kafka.start();
    if (opts.mode === 'alert') res.add('kafka bus', () => kafka.close());
  }

  try {
    if (opts.mode !== 'collect') {
      // The alerter reloads its rules on SIGHUP and on file change by itself.
      await startAlerter(cfg, {
        logger,
        clock,
        store,
        bus: opts.mode === 'alert' && kafka ? kafka : bus,
        health,
        res,
      });
    }
    if (opts.mode !== 'alert')
      await startCollector(cfg, { logger, clock, store, bus, health, res, forward: kafka });
  } catch (err) {
    await res.closeAll();
    throw err;
  }
  logger.info({ mode: opts.mode, host: cfg.host, state: cfg.state.path }, 'lookout running');
  await res.untilStopped();
}

/** Required on use: kafkajs is heavy and most collectors never talk to Kafka. */
function newKafkaBus(cfg: LookoutConfig, logger: Logger): KafkaBus {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KafkaBus: Bus } = require('../core/bus/kafka') as typeof import('../core/bus/kafka');
  return new Bus(cfg.bus.kafka, { logger });
}
