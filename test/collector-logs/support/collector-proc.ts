/**
 * A collector process for the kill -9 test: the log source for the containers in `<dir.json>`,
 * a MemoryBus, and one subscriber that appends every event to `<out.ndjson>` (synchronously, so
 * an event is on disk before its batch is acknowledged), with a real state store file.
 *
 *   node --import tsx collector-proc.ts <state.db> <out.ndjson> <dir.json>
 */
import fs from 'node:fs';
import { MemoryBus } from '../../../core/bus/memory';
import { systemClock } from '../../../core/clock';
import { createLogger } from '../../../core/logger';
import type { LogEvent } from '../../../core/events';
import { StateStore } from '../../../core/store/store';
import type { ContainerInfo } from '../../../collector/sources/docker/types';
import { createLogSource } from '../../../collector/sources/logs';
import { logsConfig } from '../../../collector/sources/logs/config';
import { StaticDirectory } from './directory';
import { drive } from './driver';

const [stateFile, outFile, dirFile] = process.argv.slice(2);
if (!stateFile || !outFile || !dirFile) {
  console.error('usage: collector-proc.ts <state.db> <out.ndjson> <dir.json>');
  process.exit(2);
}

const store = StateStore.open(stateFile);
const dir = new StaticDirectory();
for (const c of JSON.parse(fs.readFileSync(dirFile, 'utf8')) as ContainerInfo[]) dir.add(c);
const bus = new MemoryBus();
const out = fs.openSync(outFile, 'a');
bus.subscribe('log', 'file', (batch: LogEvent[]) => {
  fs.writeSync(
    out,
    batch.map((e) => JSON.stringify({ id: e.id, message: e.message, stream: e.stream }) + '\n').join(''),
  );
  return Promise.resolve();
});
const source = createLogSource(logsConfig({ start_at: 'beginning', poll_interval: '20ms' }), {
  logger: createLogger({ format: 'json', level: 'warn' }),
  clock: systemClock,
  store,
  host: 'killnine-host',
  containers: dir,
});
const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
drive(source, bus, ac.signal)
  .then(() => bus.close())
  .finally(() => store.close())
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
