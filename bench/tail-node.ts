import type { StateStore } from '../core/store/store';
import { systemClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { createLogSource } from '../collector/sources/logs';
import { logsConfig } from '../collector/sources/logs/config';
import { fileContainer, StaticDirectory } from '../test/collector-logs/support/directory';
import { BulkSerializer } from './tail-es-bulk';

export interface NodeResult {
  lines: number;
  wallMs: number;
  cpuMs: number;
  bulkBytes: number;
}

/**
 * Reads `file` (a json-file log) through the real log source (tail, parse, enrich with
 * container metadata and level, checkpoint on delivery) and serialises every batch to an
 * Elasticsearch `_bulk` body; stops once `expected` lines came through.
 */
export async function runNodeTail(file: string, expected: number, store: StateStore): Promise<NodeResult> {
  const dir = new StaticDirectory();
  const id = 'b'.repeat(64);
  dir.add({
    ...fileContainer(id, file, { 'com.docker.compose.service': 'bench' }, 'bench-app'),
    meta: {
      id,
      name: 'bench-app',
      image: 'registry.example/bench/app:1.4.2',
      labels: {},
      service: 'bench-app',
    },
  });
  const source = createLogSource(logsConfig({ start_at: 'beginning' }), {
    logger: silentLogger(),
    clock: systemClock,
    store,
    host: 'bench-host',
    containers: dir,
  });
  const ser = new BulkSerializer();
  const ac = new AbortController();
  let lines = 0;
  let bulkBytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const batch of source.run(ac.signal)) {
    // The request body bytes, as an HTTP client would send them.
    bulkBytes += ser.body(batch.events as never).length;
    lines += batch.events.length;
    batch.onDelivered?.();
    if (lines >= expected) ac.abort();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { lines, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, bulkBytes };
}
