import { createHash } from 'node:crypto';
import type { ContainerMeta, LifecycleEvent, LogEvent, MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { systemClock } from '../../core/clock';
import { DEFAULT_DELIVERY, type DeliveryConfig } from '../../collector/delivery/config';
import { createDeadLetter } from '../../collector/delivery/delivery';
import type { StateStore } from '../../core/store/store';

/** Synthetic events for the shipping tests: what the tailer and stats reader would publish. */
export function container(name: string, extra: Partial<ContainerMeta> = {}): ContainerMeta {
  return {
    id: createHash('sha256').update(name).digest('hex'),
    name,
    image: 'local/busybox:full',
    labels: {
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': name,
      'com.docker.compose.project.working_dir': '/srv/shop',
    },
    composeProject: 'shop',
    composeService: name,
    service: name,
    ...extra,
  };
}

export function logLine(c: ContainerMeta, offset: number, over: Partial<LogEvent> = {}): LogEvent {
  const ts = over.ts ?? 1_764_000_000_000 + offset;
  return {
    kind: 'log',
    host: 'testhost',
    ts,
    container: c,
    stream: 'stdout',
    message: `line ${offset} of ${c.name}`,
    time: new Date(ts).toISOString(),
    id: `${c.id.slice(0, 12)}:f1:${offset}`,
    ...over,
  };
}

export function sample(
  c: ContainerMeta | undefined,
  name: string,
  value: number,
  ts: number,
  host = 'testhost',
): MetricSample {
  return { kind: 'metric', host, ts, name, value, type: 'gauge', container: c };
}

export function lifecycle(c: ContainerMeta, action: LifecycleEvent['action'], ts: number): LifecycleEvent {
  return {
    kind: 'lifecycle',
    host: 'testhost',
    ts,
    action,
    container: c,
    ...(action === 'die' ? { exitCode: 137, oomKilled: true } : {}),
  };
}

/** Fast delivery settings for tests: short backoff so a recovered backend is noticed quickly. */
export function testDelivery(over: Partial<DeliveryConfig> = {}): DeliveryConfig {
  return { ...DEFAULT_DELIVERY, retry: { initial: 50, max: 1000, factor: 2, jitter: 0.5 }, ...over };
}

export function sinkDeps(store: StateStore, config: DeliveryConfig) {
  const logger = silentLogger();
  return { logger, clock: systemClock, deadLetter: createDeadLetter(config, store, logger) };
}
