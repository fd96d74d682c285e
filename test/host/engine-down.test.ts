/**
 * Issue 13: the Docker engine health metric and the docker_engine_down rule, against a private
 * dockerd this test starts on its own socket, data-root and exec-root (never the shared engine),
 * and stops halfway. Rounds are stamped 10 s apart on an injected clock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import { silentLogger } from '../../core/logger';
import { createDockerClient } from '../../collector/sources/docker/client';
import { dockerConfigSchema } from '../../collector/sources/docker/config';
import { createHostMetricsSource } from '../../collector/sources/host';
import { hostMetricsConfigSchema } from '../../collector/sources/host/config';
import { Engine } from '../../alerter/engine/engine';
import { compileRules } from '../../alerter/rules/compile';
import { loadRuleText } from '../../alerter/rules/load';
import { PrivateDockerd } from '../support/private-dockerd';

let dockerd: PrivateDockerd;

beforeAll(() => {
  dockerd = PrivateDockerd.create();
});

afterAll(() => dockerd.remove(), 60_000);

test('engine.up follows a private dockerd that starts late and stops; docker_engine_down fires; the source carries on', async () => {
  const rulesFile = path.join(__dirname, '../../rules/hosts.yaml');
  const loaded = loadRuleText(rulesFile, fs.readFileSync(rulesFile, 'utf8'));
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new Engine({ clock, latenessMs: 0 });
  engine.setRules(compileRules(loaded.rules, { latenessMs: 0 }));
  const client = createDockerClient(
    dockerConfigSchema.parse({ socket: dockerd.socket, request_timeout: '2s' }),
    {
      logger: silentLogger(),
    },
  );
  const source = createHostMetricsSource(hostMetricsConfigSchema.parse({ interval: '1s' }), {
    logger: silentLogger(),
    clock,
    host: 'h',
    hostRoot: '/',
    client,
  });
  const ups: number[] = [];
  const dataRootSeen: boolean[] = [];
  const fired: Array<{ round: number; rule: string }> = [];
  const ctl = new AbortController();
  let round = 0;
  try {
    for await (const batch of source.run(ctl.signal)) {
      const events = batch.events as MetricSample[];
      dataRootSeen.push(events.some((s) => s.labels?.mount === dockerd.dataRoot));
      // Only the engine's samples: the machine's own disks and load must not decide this test.
      const mine = events.filter((s) => s.name.startsWith('engine.'));
      ups.push(mine.find((s) => s.name === 'engine.up')!.value);
      // The rules judge from the engine's start on; before it, the source alone is under test.
      if (round >= 2)
        for (const t of [...engine.ingest(mine), ...engine.tick()])
          if (t.to === 'firing') fired.push({ round, rule: t.alert.rule });
      // Not there at the collector's start: the data-root is asked for once the engine answers.
      if (round === 1) await dockerd.start();
      if (round === 7) await dockerd.stop();
      if (round === 14) break;
      clock.advance(10_000);
      round++;
    }
  } finally {
    ctl.abort();
    client.close();
  }
  expect(ups).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  // Round 2 answers /_ping; round 3, the engine having answered, asks /info and measures the data-root.
  expect(dataRootSeen.indexOf(true)).toBe(3);
  expect(dataRootSeen.slice(3).every(Boolean)).toBe(true);
  // Down from round 8 (80 s); the 30 s window (70 s, 100 s] holds only zeros at round 10.
  expect(fired).toEqual([{ round: 10, rule: 'docker_engine_down' }]);
}, 120_000);
