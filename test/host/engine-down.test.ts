/**
 * Issue 13: the Docker engine health metric and the docker_engine_down rule, against a private
 * dockerd this test starts on its own socket, data-root and exec-root (never the shared engine),
 * and stops halfway. Rounds are stamped 10 s apart on an injected clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
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
import { waitFor } from '../support/docker';

let dir: string;
let dockerd: ChildProcess | undefined;
const socket = () => path.join(dir, 'docker.sock');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-dockerd-'));
  fs.writeFileSync(path.join(dir, 'daemon.json'), '{}');
  // No bridge and no iptables: this engine runs no containers and must not touch the host's network.
  dockerd = spawn(
    'dockerd',
    [
      ...['--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec')],
      ...['--pidfile', path.join(dir, 'dockerd.pid'), '-H', `unix://${socket()}`],
      ...['--config-file', path.join(dir, 'daemon.json'), '--bridge', 'none'],
      ...['--iptables=false', '--ip6tables=false'],
    ],
    { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'dockerd.log'), 'w')] },
  );
  const probe = createDockerClient(dockerConfigSchema.parse({ socket: socket(), request_timeout: '2s' }), {
    logger: silentLogger(),
  });
  try {
    await waitFor(
      'the private dockerd to answer',
      () =>
        probe.ping().then(
          () => true,
          () => false,
        ),
      60_000,
      250,
    );
  } finally {
    probe.close();
  }
}, 90_000);

afterAll(async () => {
  if (dockerd && dockerd.exitCode === null && dockerd.signalCode === null) {
    const exited = once(dockerd, 'exit');
    dockerd.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

test('engine.up drops to 0 when the private dockerd stops, docker_engine_down fires, the source carries on', async () => {
  const rulesFile = path.join(__dirname, '../../rules/hosts.yaml');
  const loaded = loadRuleText(rulesFile, fs.readFileSync(rulesFile, 'utf8'));
  const clock = new ManualClock(1_700_000_000_000);
  const engine = new Engine({ clock, latenessMs: 0 });
  engine.setRules(compileRules(loaded.rules, { latenessMs: 0 }));
  const client = createDockerClient(dockerConfigSchema.parse({ socket: socket(), request_timeout: '2s' }), {
    logger: silentLogger(),
  });
  const source = createHostMetricsSource(hostMetricsConfigSchema.parse({ interval: '1s' }), {
    logger: silentLogger(),
    clock,
    host: 'h',
    hostRoot: '/',
    client,
  });
  const ups: number[] = [];
  const fired: Array<{ round: number; rule: string }> = [];
  const ctl = new AbortController();
  let round = 0;
  try {
    for await (const batch of source.run(ctl.signal)) {
      // Only the engine's samples: the machine's own disks and load must not decide this test.
      const mine = (batch.events as MetricSample[]).filter((s) => s.name.startsWith('engine.'));
      ups.push(mine.find((s) => s.name === 'engine.up')!.value);
      for (const t of [...engine.ingest(mine), ...engine.tick()])
        if (t.to === 'firing') fired.push({ round, rule: t.alert.rule });
      if (round === 5) {
        const exited = once(dockerd!, 'exit');
        dockerd!.kill('SIGTERM');
        await exited;
      }
      if (round === 12) break;
      clock.advance(10_000);
      round++;
    }
  } finally {
    ctl.abort();
    client.close();
  }
  expect(ups.slice(0, 6)).toEqual([1, 1, 1, 1, 1, 1]);
  expect(ups.slice(6)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  // Down from round 6 (60 s); the 30 s window (50 s, 80 s] holds only zeros at round 8.
  expect(fired).toEqual([{ round: 8, rule: 'docker_engine_down' }]);
}, 120_000);
