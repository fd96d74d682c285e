/**
 * The events bench:ship publishes, built once and cycled through: what the tailer and the stats
 * reader would hand over (lines of a Java service, one container per batch; four metrics of 20
 * containers).
 */
import type { LogEvent, MetricSample } from '../core/events';

/** Pre-built batches cycled through: 10 x 5 000 is the bus's own bound on queued events. */
const CYCLE = 10;

function meta(i: number) {
  const name = `app-${i}`;
  return {
    id: `${i}`.padStart(64, 'c'),
    name,
    image: 'registry.local/shop/app:1.4.2',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': name },
    service: name,
  };
}
const containers = Array.from({ length: 20 }, (_, i) => meta(i));

/** What the tailer would hand over: lines of a Java service, one container per batch. */
export function logBatches(t: number, batch: number): LogEvent[][] {
  return Array.from({ length: CYCLE }, (_, b) =>
    Array.from({ length: batch }, (_, i) => {
      const off = b * batch + i;
      const c = containers[b % containers.length]!;
      return {
        kind: 'log',
        host: 'bench-host',
        ts: t + off,
        container: c,
        stream: 'stdout',
        message: `2026-11-25T10:00:00.000Z INFO  [http-nio-8080-exec-${i % 16}] c.s.shop.OrderController - order ${off} accepted for customer ${off % 9973} in ${off % 250} ms`,
        time: new Date(t + off).toISOString(),
        id: `${c.id.slice(0, 12)}:2049-131${b}:${off * 140}`,
      } satisfies LogEvent;
    }),
  );
}

export function metricBatches(t: number, batch: number): MetricSample[][] {
  const names = ['cpu.percent', 'mem.usage_bytes', 'net.rx_bytes', 'blkio.read_bytes'];
  return Array.from({ length: CYCLE }, (_, b) =>
    Array.from({ length: batch }, (_, i) => ({
      kind: 'metric' as const,
      host: 'bench-host',
      ts: t + b * 1000,
      name: names[i % 4]!,
      value: i * 1.5,
      type: 'gauge' as const,
      container: containers[i % containers.length],
    })),
  );
}
