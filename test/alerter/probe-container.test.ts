import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { MemoryBus } from '../../core/bus/memory';
import { systemClock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { alerterConfigSchema, createAlerter } from '../../alerter/alerter';
import type { AlertTransition } from '../../alerter/types';
import { createProbeSource, probesConfigSchema } from '../../collector/sources/probes';
import { docker, newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/**
 * End to end on the real engine: busybox httpd in a container is probed, then stopped; the
 * probe sees it go 1 → 0 and both a threshold rule and an absence-style rule on probe.up fire.
 */
describe('probes against an HTTP server in a container that is stopped mid-test', () => {
  const runId = newRunId('probe');
  afterAll(() => removeTestContainers(runId));

  it('probe.up goes 1 → 0 and the endpoint rules fire', async () => {
    const port = await freePort();
    const id = await runContainer({
      runId,
      args: ['--network', 'host'],
      cmd: ['sh', '-c', `echo ok > /www/index.html; exec httpd -f -p 127.0.0.1:${port} -h /www`],
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-e2e-'));
    fs.writeFileSync(
      path.join(dir, 'probe.yaml'),
      `rules:
  - {name: endpoint_down, kind: threshold, metric: probe.up, reduce: max, window: 2s, op: '<', threshold: 1, severity: critical, summary: '{{ target }} down'}
  - {name: endpoint_latency_gone, kind: absence, of: metric, metric: probe.status_code, after: 2s, summary: '{{ target }} gives no status'}
`,
    );
    const bus = new MemoryBus();
    const store = StateStore.open(':memory:');
    const got: AlertTransition[] = [];
    const alerter = createAlerter({
      bus,
      store,
      clock: systemClock,
      logger: silentLogger(),
      config: alerterConfigSchema.parse({
        rules: [dir],
        eval_interval: '200ms',
        lateness: '0s',
        watch: false,
        reload_on_sighup: false,
      }),
      onTransitions: (t) => Promise.resolve(void got.push(...t)),
    });
    const ups: number[] = [];
    const cfg = probesConfigSchema.parse({
      interval: '200ms',
      timeout: '1s',
      targets: [{ http: `http://127.0.0.1:${port}/`, name: 'web', body_match: 'ok' }],
    });
    const ac = new AbortController();
    const pump = (async () => {
      for await (const batch of createProbeSource(cfg, {
        logger: silentLogger(),
        clock: systemClock,
        host: 'h',
      }).run(ac.signal)) {
        for (const e of batch.events as MetricSample[]) if (e.name === 'probe.up') ups.push(e.value);
        await (
          await bus.publish('metric', batch.events as MetricSample[])
        ).done;
      }
    })();
    try {
      await waitFor('the probe to see the server up', () => ups.includes(1), 60_000);
      await docker('rm', '-f', id);
      await waitFor('probe.up 0', () => ups.lastIndexOf(0) > ups.indexOf(1), 60_000);
      const fired = (rule: string) => got.find((t) => t.alert.rule === rule && t.to === 'firing');
      const down = await waitFor('endpoint_down to fire', () => fired('endpoint_down'), 60_000);
      expect(down.alert).toMatchObject({
        labels: { target: 'web' },
        severity: 'critical',
        summary: 'web down',
        value: 0,
      });
      await waitFor('the absence of status codes to fire', () => fired('endpoint_latency_gone'), 60_000);
      expect(ups[0]).toBe(1);
    } finally {
      ac.abort();
      await pump;
      await alerter.stop();
      await bus.close();
      store.close();
    }
  });
});
