/**
 * The sidecar image on the real Docker engine: built here on the local base
 * (deploy/build-image.sh --prebuilt), run with deploy/compose.yaml's mounts, user and hardening,
 * beside labelled workload containers. Logs and lifecycle events go to the Elasticsearch
 * stand-in (in this process, reached over the host network), metrics to the shared carbon, pages
 * to the console notifier (the sidecar's own log).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ElasticsearchStandin } from '../support/elasticsearch-standin';
import { freePort } from '../support/carbon-private';
import {
  docker,
  inspect,
  newRunId,
  removeTestContainers,
  runContainer,
  TEST_LABEL,
  waitFor,
} from '../support/docker';
import { segment } from '../../collector/sinks/names';
import { composeRunArgs } from './compose-run';
import { writeSidecarConfig } from './sidecar-config';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const COMPOSE = path.join(ROOT, 'deploy', 'compose.yaml');
const IMAGE = 'local/lookout:sidecar-test';
const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const CARBON = `${process.env.CARBON_HOST ?? '127.0.0.1'}:${process.env.CARBON_PORT ?? '2003'}`;

const runId = newRunId('sc');
const host = `sc-${runId}`;
const prefix = `lookoutsc${runId}`;
const sidecar = `lookout-${runId}`;
const stateVolume = `lookout-state-${runId}`;
const es = new ElasticsearchStandin();
/** Every log document the stand-in received, repeats included: container name → message → times. */
const received = new Map<string, Map<string, number>>();
let dir: string;
let healthPort: number;
let dockerGid: string;

function receivedFrom(container: string): Map<string, number> {
  return received.get(container) ?? new Map<string, number>();
}

async function sidecarLogs(name = sidecar): Promise<string> {
  const { stdout, stderr } = await exec('docker', ['logs', name], { maxBuffer: 256 * 1024 * 1024 });
  return stdout + stderr;
}

function writeConfig(): void {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-sidecar-'));
  writeSidecarConfig(dir, { host, esUrl: es.url, carbon: CARBON, prefix, runId });
}

/**
 * `docker run` of the compose service, with this run's config, state volume and ports (the host
 * network is shared with every other test: no fixed port).
 */
async function sidecarArgs(
  opts: {
    volumes?: Record<string, string | null>;
    name?: string;
    state?: string;
    healthPort?: number;
    command?: string[];
  } = {},
): Promise<string[]> {
  const apiPort = await freePort();
  return [
    'run',
    '-d',
    '--pull',
    'never',
    '--name',
    opts.name ?? sidecar,
    '--label',
    `${TEST_LABEL}=${runId}`,
    // Fast health checks for the test; the image's default interval is 30 s.
    '--health-interval',
    '2s',
    '--health-start-period',
    '60s',
    ...composeRunArgs(COMPOSE, 'lookout', {
      vars: { DOCKER_GID: dockerGid },
      image: IMAGE,
      namedVolumes: { 'lookout-state': opts.state ?? stateVolume },
      volumes: {
        '/etc/lookout/lookout.yaml': path.join(dir, 'lookout.yaml'),
        '/etc/lookout/rules': path.join(dir, 'rules'),
        ...opts.volumes,
      },
      command: opts.command,
      env: {
        LOOKOUT_HTTP__LISTEN: `127.0.0.1:${opts.healthPort ?? (await freePort())}`,
        LOOKOUT_NOTIFY__API__LISTEN: `127.0.0.1:${apiPort}`,
        LOOKOUT_LOG__FORMAT: 'json',
      },
    }),
  ];
}

beforeAll(async () => {
  await exec('bash', [path.join(ROOT, 'deploy', 'build-image.sh'), '--prebuilt', '--tag', IMAGE], {
    maxBuffer: 64 * 1024 * 1024,
  });
  es.itemFault = (doc) => {
    const name = (doc.container as { name?: string } | undefined)?.name;
    const dataset = (doc.event as { dataset?: string } | undefined)?.dataset;
    if (name && dataset === 'lookout.log' && typeof doc.message === 'string') {
      const m = received.get(name) ?? new Map<string, number>();
      m.set(doc.message, (m.get(doc.message) ?? 0) + 1);
      received.set(name, m);
    }
    return undefined;
  };
  await es.start();
  healthPort = await freePort();
  dockerGid = String(fs.statSync('/var/run/docker.sock').gid);
  writeConfig();
  await docker(...(await sidecarArgs({ healthPort })));
}, 900_000);

afterAll(async () => {
  if (dir)
    fs.writeFileSync(path.join(dir, 'sidecar.log'), await sidecarLogs().catch((e: unknown) => String(e)));
  await removeTestContainers(runId);
  const volumes = (await docker('volume', 'ls', '-q', '--filter', `name=${stateVolume}`))
    .split('\n')
    .filter(Boolean);
  if (volumes.length > 0) await docker('volume', 'rm', '-f', ...volumes);
  // The image this run built: left behind, every CI run would add an untagged copy (vfs: ~130 MB).
  await docker('rmi', '-f', IMAGE).catch(() => undefined);
  await es.stop();
}, 120_000);

describe('lookout as a sidecar container', () => {
  it('reports healthy', async () => {
    await waitFor(
      'sidecar healthy',
      async () => (await inspect(sidecar)).State.Health?.Status === 'healthy',
      120_000,
      1000,
    );
  });

  it("ships a workload's log lines and its stats", async () => {
    const name = `wl-${runId}`;
    await runContainer({
      runId,
      name,
      args: ['--network', 'none', '--label', `lookout.service=wl${runId}`],
      cmd: ['sh', '-c', `for i in $(seq 1 20); do echo "wl-${runId} line $i"; done; exec sleep 3600`],
    });
    await waitFor(
      '20 workload lines in Elasticsearch',
      () => receivedFrom(name).size >= 20 || undefined,
      120_000,
      500,
    );
    expect([...receivedFrom(name).keys()].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `wl-${runId} line ${i + 1}`).sort(),
    );
    const query = `${prefix}.${segment(host)}.${segment(name)}.*`;
    const nodes = await waitFor(
      'workload metrics in Graphite',
      async () => {
        const res = await fetch(`${GRAPHITE_URL}/metrics/find?query=${encodeURIComponent(query)}`, {
          signal: AbortSignal.timeout(10_000),
        });
        const list = (await res.json()) as Array<{ text: string }>;
        // The first samples of a new container may be only some of its metrics (CPU needs two reads).
        const texts = list.map((n) => n.text);
        return texts.some((n) => /cpu|mem/.test(n)) ? texts : undefined;
      },
      120_000,
      1000,
    );
    expect(nodes.some((n) => /cpu|mem/.test(n))).toBe(true);
  });

  it('fires a rule when a workload exits non-zero', async () => {
    await runContainer({
      runId,
      name: `crash-${runId}`,
      args: ['--network', 'none', '--label', `lookout.service=crash${runId}`],
      cmd: ['sh', '-c', 'echo bye; exit 3'],
    });
    await waitFor(
      'the console page in the sidecar log',
      async () => (await sidecarLogs()).includes(`workload crash${runId} exited non-zero`) || undefined,
      120_000,
      1000,
    );
  });

  it('survives its own restart without losing or repeating lines', async () => {
    const name = `seq-${runId}`;
    const total = 300;
    await runContainer({
      runId,
      name,
      args: ['--network', 'none'],
      cmd: [
        'sh',
        '-c',
        `for i in $(seq 1 ${total}); do echo "seq-${runId} $i"; sleep 0.05; done; exec sleep 3600`,
      ],
    });
    await waitFor('first lines shipped', () => receivedFrom(name).size >= 20 || undefined, 120_000, 200);
    await docker('restart', '-t', '30', sidecar);
    await waitFor(
      `all ${total} lines shipped`,
      () => receivedFrom(name).size >= total || undefined,
      180_000,
      500,
    );
    const got = receivedFrom(name);
    const missing = Array.from({ length: total }, (_, i) => `seq-${runId} ${i + 1}`).filter(
      (m) => !got.has(m),
    );
    const repeated = [...got].filter(([, n]) => n > 1).map(([m]) => m);
    expect({ missing, repeated }).toEqual({ missing: [], repeated: [] });
    expect((await inspect(sidecar)).RestartCount).toBe(0);
    await waitFor(
      'healthy after the restart',
      async () => (await inspect(sidecar)).State.Health?.Status === 'healthy',
      120_000,
      1000,
    );
  });

  it('leaves its own container out: a stdout sink does not read its own output back', async () => {
    const name = `${sidecar}-stdout`;
    const wl = `echo-${runId}`;
    await docker(
      ...(await sidecarArgs({
        name,
        state: `${stateVolume}-stdout`,
        command: ['collect', '--sink', 'stdout'],
      })),
    );
    try {
      await runContainer({
        runId,
        name: wl,
        args: ['--network', 'none'],
        cmd: ['sh', '-c', `echo "echo-${runId} hello"; exec sleep 3600`],
      });
      const out = await waitFor(
        'the workload line on the sidecar stdout',
        async () => {
          const { stdout } = await exec('docker', ['logs', name], { maxBuffer: 256 * 1024 * 1024 });
          return stdout.includes(`echo-${runId} hello`) ? stdout : undefined;
        },
        120_000,
        500,
      );
      const own = out.split('\n').filter((l) => l.includes('"kind":"log"') && l.includes(`"name":"${name}"`));
      expect(own.length).toBe(0);
    } finally {
      // Remove at once: were it reading itself, its log would grow by the second.
      await docker('rm', '-f', name);
    }
  });

  it.each([
    ['/var/run/docker.sock', /-v \/var\/run\/docker\.sock:\/var\/run\/docker\.sock:ro/],
    ['/var/lib/docker/containers', /-v \/var\/lib\/docker\/containers:\/var\/lib\/docker\/containers:ro/],
  ])('without the %s mount, says which mount is missing', async (target, says) => {
    const name = `${sidecar}-no${segment(target)}`;
    await docker(
      ...(await sidecarArgs({
        name,
        volumes: { [target]: null },
        state: `${stateVolume}-no${segment(target)}`,
      })),
    );
    const text = await waitFor(
      'the sidecar names the missing mount',
      async () => {
        const logs = await sidecarLogs(name);
        return says.test(logs) ? logs : undefined;
      },
      60_000,
      500,
    );
    expect(text).toContain(target);
  });
});
