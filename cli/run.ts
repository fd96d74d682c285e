import { MemoryBus } from '../core/bus/memory';
import { startHealthServer } from '../core/health/server';
import { createLogger } from '../core/logger';
import { StateStore } from '../core/store/store';
import { readConfig } from './config';
import { Resources } from './lifecycle';

export interface RunOptions {
  mode: 'run' | 'collect' | 'alert';
  configFile?: string;
  /** `--sink` on the command line replaces the configured sinks. */
  sinks?: string[];
  bus?: 'memory' | 'kafka';
}

/** `lookout run | collect | alert`: wire the configured components and run until stopped. */
export async function runCommand(opts: RunOptions): Promise<void> {
  const cfg = readConfig(opts.configFile);
  const logger = createLogger(cfg.log);
  const res = new Resources(logger);
  const store = StateStore.open(cfg.state.path);
  res.add('state store', () => store.close());
  const health = await startHealthServer(cfg.http.listen, logger.child({ component: 'health' }));
  res.add('health server', () => health.close());
  const bus = new MemoryBus();
  res.add('bus', () => bus.close());
  logger.info({ mode: opts.mode, host: cfg.host, state: cfg.state.path }, 'lookout started');
  await res.untilStopped();
}
