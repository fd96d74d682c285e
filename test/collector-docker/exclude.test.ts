import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryBus } from '../../core/bus/memory';
import { systemClock } from '../../core/clock';
import type { Heartbeat, LifecycleEvent, LogEvent, MetricSample } from '../../core/events';
import { startHealthServer, type HealthServer } from '../../core/health/server';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { createCollector, collectorSectionSchema, type CollectorLifetime } from '../../collector';
import { deliverySchema } from '../../collector/delivery/config';
import { docker, inspect, newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';

/**
 * The whole collector (discovery, every source, the pipeline) on the real engine, into the
 * in-memory bus: a container labelled `lookout.enable=false` leaves no trace in any topic, while
 * its twin, started alongside with the same crash loop, is watched as usual.
 */
const runId = newRunId('excl');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-exclude-'));
const bus = new MemoryBus();
const store = StateStore.open(':memory:');
const ctl = new AbortController();
const closers: Array<() => Promise<void> | void> = [];
const tasks: Promise<void>[] = [];
const lifetime: CollectorLifetime = {
  signal: ctl.signal,
  add: (_name, close) => void closers.push(close),
  task: (_name, run) => void tasks.push(run.catch(() => undefined)),
};
const logs: LogEvent[] = [];
const metrics: MetricSample[] = [];
const lifecycle: LifecycleEvent[] = [];
const beats: Heartbeat[] = [];
let health: HealthServer;

// Six lines half a second apart, then a failure; restarted once by its policy: a short crash loop.
const CRASH_LOOP = ['sh', '-c', 'for i in 1 2 3 4 5 6; do echo "line $i"; sleep 0.5; done; exit 1'];

beforeAll(async () => {
  bus.subscribe('log', 'test', async (e) => void logs.push(...e));
  bus.subscribe('metric', 'test', async (e) => void metrics.push(...e));
  bus.subscribe('lifecycle', 'test', async (e) => void lifecycle.push(...e));
  bus.subscribe('heartbeat', 'test', async (e) => void beats.push(...e));
  health = await startHealthServer({ host: '127.0.0.1', port: 0 }, silentLogger());
  const collector = collectorSectionSchema.parse({
    docker: { socket: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' },
    stats: { interval: '1s' },
    heartbeat: { interval: '1s' },
    host_metrics: { enabled: false },
  });
  await createCollector(
    {
      host: 'test-host',
      statePath: path.join(dir, 'state.db'),
      collector,
      sinks: [],
      delivery: deliverySchema.parse({}),
    },
    { logger: silentLogger(), clock: systemClock, store, bus, health, lifetime, version: 'test' },
  );
});

afterAll(async () => {
  ctl.abort();
  await Promise.all(tasks);
  for (const close of closers.reverse()) await close();
  await bus.close();
  await health.close();
  store.close();
  await removeTestContainers(runId);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a container labelled lookout.enable=false yields no logs, stats, lifecycle or inventory', async () => {
  const args = ['--restart', 'on-failure:1'];
  const out = await runContainer({
    runId,
    args: [...args, '--label', 'lookout.enable=false'],
    cmd: CRASH_LOOP,
  });
  const kept = await runContainer({ runId, args, cmd: CRASH_LOOP });

  // The watched one: both runs' lines, stats while it ran, both deaths, and a place in the inventory.
  await waitFor('both runs of the watched container logged', () =>
    logs.filter((e) => e.container.id === kept && e.message === 'line 6').length >= 2 ? true : undefined,
  );
  await waitFor('stats of the watched container', () => metrics.some((m) => m.container?.id === kept));
  await waitFor('the watched container in a heartbeat', () =>
    beats.some((b) => b.containers.some((c) => c.id === kept)),
  );
  await waitFor('both deaths of the watched container', () =>
    lifecycle.filter((e) => e.container.id === kept && e.action === 'die').length >= 2 ? true : undefined,
  );

  // The one left out has crash-looped just as long; once it is done, a marker started after it
  // comes through the same events stream, so anything of the other's would have come before.
  await waitFor('the excluded container done', async () => {
    const s = (await inspect(out)).State as { Status: string; ExitCode: number };
    return s.Status === 'exited' && s.ExitCode === 1 ? true : undefined;
  });
  expect((await inspect(out)).RestartCount).toBe(1);
  const marker = await runContainer({ runId, cmd: ['sh', '-c', 'echo marker; exit 1'] });
  await waitFor('the marker die', () =>
    lifecycle.some((e) => e.container.id === marker && e.action === 'die'),
  );
  await waitFor('the marker line', () => logs.some((e) => e.container.id === marker));
  await docker('rm', '-f', out);
  const beatsSoFar = beats.length;
  await waitFor('one more heartbeat', () => beats.length > beatsSoFar);

  expect(logs.filter((e) => e.container.id === out)).toEqual([]);
  expect(metrics.filter((m) => m.container?.id === out)).toEqual([]);
  expect(lifecycle.filter((e) => e.container.id === out)).toEqual([]);
  expect(beats.filter((b) => b.containers.some((c) => c.id === out))).toEqual([]);
});
