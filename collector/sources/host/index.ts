import { sleep, type Clock } from '../../../core/clock';
import type { MetricSample } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { Source, SourceBatch } from '../../source';
import type { DockerClient } from '../docker/client';
import { defineSource } from '../kind';
import { hostMetricsConfigSchema, type HostMetricsConfig } from './config';
import { checkEngine, dockerDataRoot } from './engine';
import { mountsToWatch, statMount, type FsUsage } from './filesystems';
import { ProblemLog } from './problems';
import { readProc } from './read';
import { engineSamples, fsSamples, procSamples, type PrevRound } from './samples';

export { hostMetricsConfigSchema, type HostMetricsConfig } from './config';

export interface HostMetricsDeps {
  logger: Logger;
  clock: Clock;
  host: string;
  /** Where the host's /proc is visible (`/host` in the sidecar). */
  hostRoot: string;
  client: Pick<DockerClient, 'ping' | 'api' | 'requestTimeoutMs' | 'endpoint'>;
  /** Monotonic ns, for the ping's latency. */
  now?: () => bigint;
}

function hintFor(hostRoot: string, client: { endpoint: string }): (key: string) => string {
  return (key) => {
    if (key === 'engine') return `the Docker engine at ${client.endpoint} is not answering; engine.up is 0`;
    if (key.startsWith('mount '))
      return `its file system metrics stop until it is back (is it mounted under host_root ${hostRoot}?)`;
    return `host_root ${hostRoot} has no readable /proc here (sidecar: mount /proc:${hostRoot}/proc:ro); those metrics stop until it is`;
  };
}

/**
 * The Docker host's own health each interval: /proc (load, CPU, memory, PSI, swap, network),
 * statfs of the mounts that matter, and the engine's /_ping. A part that fails is logged once
 * and left out; the others and the rest of the collector carry on.
 */
export function createHostMetricsSource(cfg: HostMetricsConfig, deps: HostMetricsDeps): Source {
  const log = deps.logger.child({ component: 'source', source: 'host_metrics' });
  const now = deps.now ?? (() => process.hrtime.bigint());
  const problems = new ProblemLog(log, hintFor(deps.hostRoot, deps.client));
  let prev: PrevRound | undefined;
  let dataRoot: string | undefined;
  let engineWasUp = true;

  async function round(signal: AbortSignal): Promise<MetricSample[]> {
    const ts = deps.clock.now();
    const failed = new Map<string, string>();
    // Asked again after an engine that was down at start answers, so its data-root is not lost.
    if (dataRoot === undefined && engineWasUp) dataRoot = await dockerDataRoot(deps.client);
    const mounts = mountsToWatch(cfg.mounts, dataRoot);
    const [proc, engine, stats] = await Promise.all([
      readProc(deps.hostRoot),
      checkEngine(deps.client, now, signal),
      Promise.allSettled(mounts.map((m) => statMount(deps.hostRoot, m))),
    ]);
    // No /proc at all (a host_root without its bind mount) is one problem, not five.
    if (!proc.load && !proc.cpu && !proc.mem) failed.set('proc', proc.problems[0] ?? 'unreadable');
    else for (const p of proc.problems) failed.set(p.slice(0, p.indexOf(':')), p);
    if (!engine.up) failed.set('engine', engine.error ?? 'no answer');
    const usable: FsUsage[] = [];
    stats.forEach((s, i) => {
      if (s.status === 'fulfilled') usable.push(s.value);
      else failed.set(`mount ${mounts[i]}`, (s.reason as Error).message);
    });
    problems.round(failed);
    const out = [
      ...procSamples(deps.host, ts, proc, prev),
      ...fsSamples(deps.host, ts, usable),
      ...engineSamples(deps.host, ts, engine),
    ];
    prev = { ts, cpu: proc.cpu, vmstat: proc.vmstat };
    engineWasUp = engine.up;
    return out;
  }

  return {
    name: 'host_metrics',
    async *run(signal: AbortSignal): AsyncIterable<SourceBatch> {
      log.info(
        { hostRoot: deps.hostRoot, intervalMs: cfg.interval, mounts: cfg.mounts },
        'host metrics started',
      );
      while (!signal.aborted) {
        const t0 = deps.clock.now();
        yield { topic: 'metric', events: await round(signal) };
        try {
          await sleep(Math.max(0, cfg.interval - (deps.clock.now() - t0)), signal);
        } catch {
          return;
        }
      }
    },
  };
}

export const hostMetricsSource = defineSource({
  schema: hostMetricsConfigSchema.prefault({}),
  enabled: (config) => config.enabled,
  create: (config, deps) =>
    createHostMetricsSource(config, {
      logger: deps.logger,
      clock: deps.clock,
      host: deps.host,
      hostRoot: deps.hostRoot,
      client: deps.docker,
    }),
});
