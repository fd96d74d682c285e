import type { StateStore } from '../core/store/store';
import { systemClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { createLogSource } from '../collector/sources/logs';
import { logsConfig } from '../collector/sources/logs/config';
import { fileContainer, StaticDirectory } from '../test/collector-logs/support/directory';
import { bulkBody, defaultIndexNames } from '../collector/sinks/elasticsearch/bulk';
import { BodyPool } from '../collector/sinks/elasticsearch/body-buffer';

export interface NodeResult {
  lines: number;
  wallMs: number;
  cpuMs: number;
  bulkBytes: number;
}

/**
 * Reads `file` (a json-file log) through the real log source (tail, parse, enrich with
 * container metadata and level, checkpoint on delivery) and builds every batch's Elasticsearch
 * `_bulk` body with the sink's own code (bulkBody, data-stream names and a body pool, as
 * collector/sinks/elasticsearch/sink.ts does); stops once `expected` lines came through.
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
  const names = defaultIndexNames('data_stream');
  const bodies = new BodyPool();
  const ac = new AbortController();
  let lines = 0;
  let bulkBytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const batch of source.run(ac.signal)) {
    // The request body bytes, as an HTTP client would send them.
    const { body, backing } = bulkBody(batch.events, names, 'json', bodies);
    bulkBytes += body.length;
    bodies.give(backing);
    lines += batch.events.length;
    batch.onDelivered?.();
    if (lines >= expected) ac.abort();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { lines, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, bulkBytes };
}
