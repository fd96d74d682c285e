import { Counter, Histogram } from 'prom-client';
import { sleep, type Clock } from '../../../core/clock';
import type { MetricSample } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { Source, SourceBatch } from '../../source';
import { type HttpProbeConfig, type ProbesConfig, type TcpProbeConfig, probesConfigSchema } from './config';
import { probeHttp } from './http';
import type { ProbeResult } from './result';
import { probeTcp } from './tcp';
import { defineSource } from '../kind';

export { probesConfigSchema, type ProbesConfig } from './config';

const checks = new Counter({
  name: 'lookout_probe_checks_total',
  help: 'endpoint checks, by result',
  labelNames: ['type', 'result'] as const,
});
const seconds = new Histogram({
  name: 'lookout_probe_duration_seconds',
  help: 'time one endpoint check took',
  labelNames: ['type'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5],
});

export interface ProbeDeps {
  logger: Logger;
  clock: Clock;
  /** This host's name, stamped on every sample (the prober, not the target). */
  host: string;
}

type Target = HttpProbeConfig | TcpProbeConfig;

export const targetName = (t: Target): string =>
  t.name ?? ('http' in t ? t.http : `${t.tcp.host}:${t.tcp.port}`);

/** Samples for one check: probe.up and probe.latency_ms always, status and TLS days when known. */
export function samplesOf(t: Target, r: ProbeResult, host: string, ts: number): MetricSample[] {
  const labels = { target: targetName(t), probe: 'http' in t ? 'http' : 'tcp' };
  const s = (name: string, value: number): MetricSample => ({
    kind: 'metric',
    host,
    ts,
    name,
    value,
    type: 'gauge',
    labels,
  });
  const out = [s('probe.up', r.up ? 1 : 0), s('probe.latency_ms', Math.round(r.latencyMs * 10) / 10)];
  if (r.statusCode !== undefined) out.push(s('probe.status_code', r.statusCode));
  if (r.tlsDaysLeft !== undefined) out.push(s('probe.tls_days_left', r.tlsDaysLeft));
  return out;
}

/**
 * The probes source: every `interval`, checks every target at once (each with its deadline)
 * and yields one batch of probe.* samples labelled with the target, for threshold and absence
 * rules on the availability seen from outside.
 */
export function createProbeSource(cfg: ProbesConfig, deps: ProbeDeps): Source {
  const log = deps.logger.child({ component: 'source', source: 'probes' });
  const check = async (t: Target): Promise<MetricSample[]> => {
    const type = 'http' in t ? 'http' : 'tcp';
    const timeout = t.timeout ?? cfg.timeout;
    const end = seconds.startTimer({ type });
    const r = 'http' in t ? await probeHttp(t, timeout, () => deps.clock.now()) : await probeTcp(t, timeout);
    end();
    checks.inc({ type, result: r.up ? 'up' : 'down' });
    if (!r.up) log.debug({ target: targetName(t), error: r.error }, 'probe down');
    return samplesOf(t, r, deps.host, deps.clock.now());
  };
  return {
    name: 'probes',
    async *run(signal: AbortSignal): AsyncIterable<SourceBatch> {
      if (cfg.targets.length === 0) return;
      log.info({ targets: cfg.targets.map(targetName), intervalMs: cfg.interval }, 'probing');
      while (!signal.aborted) {
        const events = (await Promise.all(cfg.targets.map(check))).flat();
        if (signal.aborted) return;
        yield { topic: 'metric', events };
        try {
          await sleep(cfg.interval, signal);
        } catch {
          return;
        }
      }
    },
  };
}

export const probesSource = defineSource({
  schema: probesConfigSchema,
  enabled: (config) => config.targets.length > 0,
  create: (config, { logger, clock, host }) => createProbeSource(config, { logger, clock, host }),
});
