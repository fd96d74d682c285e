import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { LogsApi } from '../../../collector/sources/logs/api';
import { MemoryBus } from '../../../core/bus/memory';
import { systemClock, type Clock } from '../../../core/clock';
import { silentLogger, type Logger } from '../../../core/logger';
import type { LogEvent } from '../../../core/events';
import { StateStore } from '../../../core/store/store';
import { createLogSource } from '../../../collector/sources/logs';
import { logsConfig, type LogsConfigInput } from '../../../collector/sources/logs/config';
import { StaticDirectory } from './directory';
import { drive } from './driver';
import type { TailedLogEvent } from '../../../collector/sources/logs/tailer';

/** A running log source with a bus and a subscriber that keeps every event it gets. */
export interface Running {
  events: TailedLogEvent[];
  dir: StaticDirectory;
  store: StateStore;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `lookout-${prefix}-`));
}

export function startSource(opts: {
  config?: LogsConfigInput;
  store: StateStore;
  dir?: StaticDirectory;
  clock?: Clock;
  logger?: Logger;
  docker?: LogsApi;
  remoteEngine?: boolean;
  hostRoot?: string;
}): Running {
  const dir = opts.dir ?? new StaticDirectory();
  const events: TailedLogEvent[] = [];
  const bus = new MemoryBus();
  bus.subscribe('log', 'test', (batch: LogEvent[]) => {
    events.push(...batch);
    return Promise.resolve();
  });
  const source = createLogSource(logsConfig({ poll_interval: '50ms', ...opts.config }), {
    logger: opts.logger ?? silentLogger(),
    clock: opts.clock ?? systemClock,
    store: opts.store,
    host: 'test-host',
    containers: dir,
    docker: opts.docker,
    remoteEngine: opts.remoteEngine,
    hostRoot: opts.hostRoot,
  });
  const ac = new AbortController();
  const running = drive(source, bus, ac.signal);
  return {
    events,
    dir,
    store: opts.store,
    async stop() {
      ac.abort();
      await running;
      await bus.close();
    },
  };
}

export function openStore(dir: string): StateStore {
  return StateStore.open(path.join(dir, 'state.db'));
}

/** How many descriptors this process holds on `file`: a tailer has started once it opened the log. */
export function openCount(file: string): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}
