/**
 * Issue 13: a small tmpfs the test mounts, filled at a steady rate, read by the collector's
 * host_metrics source (real statfs) and judged by the default rules in rules/hosts.yaml. Time is
 * compressed: each collection round is stamped one minute after the previous one (the clock is
 * injected), so an hour-long window passes in about a minute of real time.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { createDockerClient } from '../../collector/sources/docker/client';
import { dockerConfigSchema } from '../../collector/sources/docker/config';
import { hostMetricsConfigSchema } from '../../collector/sources/host/config';
import { createHostMetricsSource } from '../../collector/sources/host';
import { Engine } from '../../alerter/engine/engine';
import { compileRules } from '../../alerter/rules/compile';
import { loadRuleText } from '../../alerter/rules/load';

const MiB = 1024 * 1024;
const SIZE_MIB = 16;
/** 1/64 of the file system per "minute": full in about 64 rounds. */
const STEP_BYTES = (SIZE_MIB * MiB) / 64;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-fill-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MIB}m`, 'lookout-test-fill', dir]);
});
afterAll(() => {
  execFileSync('umount', [dir]);
  fs.rmdirSync(dir);
});

interface Fired {
  rule: string;
  minute: number;
  usedPercent: number;
}

test('a file system filled at a steady rate is predicted full before it is, and above 90 % after', async () => {
  const rulesFile = path.join(__dirname, '../../rules/hosts.yaml');
  const loaded = loadRuleText(rulesFile, fs.readFileSync(rulesFile, 'utf8'));
  expect(loaded.problems).toEqual([]);
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new Engine({ clock, latenessMs: 0 });
  engine.setRules(compileRules(loaded.rules, { latenessMs: 0 }));
  const client = createDockerClient(
    dockerConfigSchema.parse({ socket: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' }),
    {
      logger: silentLogger(),
    },
  );
  const source = createHostMetricsSource(hostMetricsConfigSchema.parse({ interval: '1s', mounts: [dir] }), {
    logger: silentLogger(),
    clock,
    host: 'h',
    hostRoot: '/',
    client,
  });
  const fired: Fired[] = [];
  const file = path.join(dir, 'fill.bin');
  const chunk = Buffer.alloc(STEP_BYTES, 1);
  const ctl = new AbortController();
  let minute = 0;
  let full = false;
  try {
    for await (const batch of source.run(ctl.signal)) {
      // Only our mount: the machine's own disks must not decide this test.
      const mine = (batch.events as MetricSample[]).filter((s) => s.labels?.mount === dir);
      const used = mine.find((s) => s.name === 'host.fs.used_percent')!.value;
      for (const t of [...engine.ingest(mine), ...engine.tick()]) {
        if (t.to === 'firing') fired.push({ rule: t.alert.rule, minute, usedPercent: used });
      }
      if (fired.some((f) => f.rule === 'host_fs_almost_full') || full || minute > 90) break;
      try {
        fs.appendFileSync(file, chunk);
      } catch {
        full = true; // ENOSPC: one more round to let the rules see it
      }
      clock.advance(60_000);
      minute++;
    }
  } finally {
    ctl.abort();
    client.close();
  }
  const soon = fired.find((f) => f.rule === 'host_fs_full_soon');
  const above = fired.find((f) => f.rule === 'host_fs_almost_full');
  expect(soon).toBeDefined();
  expect(above).toBeDefined();
  // Predicted full with most of the disk still free, well before the 90 % warning.
  expect(soon!.usedPercent).toBeLessThan(60);
  expect(soon!.minute).toBeLessThan(above!.minute);
  expect(above!.usedPercent).toBeGreaterThan(90);
  expect(above!.usedPercent).toBeLessThan(100);
}, 240_000);
