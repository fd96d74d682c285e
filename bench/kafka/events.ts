/**
 * The events bench:kafka publishes: 80% log lines, 20% metric samples, from 40 services on one
 * host, so the partition key (the service) spreads them over every partition as a real host does.
 */
import type { ContainerMeta, LogEvent, MetricSample } from '../../core/events';

const SERVICES = 40;

/** One container per service, shared by its events, as the discovery cache shares it in the collector. */
const containers: ContainerMeta[] = Array.from({ length: SERVICES }, (_, s) => {
  const service = `svc${s}`;
  return {
    id: `c0ffee${s}`.padEnd(64, '0'),
    name: `${service}-1`,
    image: `registry.local/${service}:1.4.2`,
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service },
    composeProject: 'shop',
    composeService: service,
    service,
  };
});

/** Deterministic noise so the payloads compress like real log lines, not like a repeated template. */
function noise(i: number): string {
  let x = (i + 1) * 2654435761;
  let out = '';
  for (let k = 0; k < 4; k++) {
    x = (x ^ (x >>> 13)) * 1274126177;
    out += (x >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

export function makeEvent(i: number): LogEvent | MetricSample {
  const container = containers[i % SERVICES]!;
  if (i % 5 === 4)
    return {
      kind: 'metric',
      host: 'docker-01',
      ts: 1_700_000_000_000 + i,
      name: 'cpu.percent',
      value: (i % 1000) / 10,
      type: 'gauge',
      container,
    };
  return {
    kind: 'log',
    host: 'docker-01',
    ts: 1_700_000_000_000 + i,
    container,
    stream: 'stdout',
    message: `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO request handled path=/api/orders/${i} request_id=${noise(i)} user=${noise(i * 7).slice(0, 10)} status=200 duration_ms=${i % 300}`,
    time: '2024-05-01T10:00:00.123456789Z',
    id: `${container.id.slice(0, 12)}:123:${i * 120}`,
  };
}

export interface Chunk {
  /** Both topics together, in source order, as the delivery layer hands a batch to the Kafka sink. */
  all: Array<LogEvent | MetricSample>;
  logs: LogEvent[];
  metrics: MetricSample[];
}

/**
 * Events in chunks of `size`, at most `distinct` of them built (the rest repeat them), so the
 * publisher's memory is a collector's, not the whole run's. Repeats do not flatter compression:
 * a produce request holds at most a few thousand events.
 */
export function makeChunks(size: number, distinct: number): Chunk[] {
  const out: Chunk[] = [];
  for (let i = 0; i < distinct; i += size) {
    const all = Array.from({ length: Math.min(size, distinct - i) }, (_, k) => makeEvent(i + k));
    const logs = all.filter((e): e is LogEvent => e.kind === 'log');
    const metrics = all.filter((e): e is MetricSample => e.kind === 'metric');
    out.push({ all, logs, metrics });
  }
  return out;
}
