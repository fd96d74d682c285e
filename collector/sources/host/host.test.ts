import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { systemClock } from '../../../core/clock';
import type { MetricSample } from '../../../core/events';
import { silentLogger } from '../../../core/logger';
import { waitFor } from '../../../test/support/docker';
import { createDockerClient } from '../docker/client';
import { dockerConfigSchema } from '../docker/config';
import { hostMetricsConfigSchema } from './config';
import { createHostMetricsSource } from './index';

const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
const clientFor = (socket: string) =>
  createDockerClient(dockerConfigSchema.parse({ socket, request_timeout: '2s' }), { logger: silentLogger() });

interface Run {
  rounds: MetricSample[][];
  lines: Array<{ level: number; msg: string; err?: string }>;
  stop(): Promise<void>;
}

function start(opts: { hostRoot?: string; mounts?: string[]; socket?: string } = {}): Run {
  const lines: Run['lines'] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(JSON.parse(chunk.toString())), cb()) }),
  );
  const client = clientFor(opts.socket ?? SOCKET);
  const source = createHostMetricsSource(
    hostMetricsConfigSchema.parse({ interval: '1s', mounts: opts.mounts ?? [] }),
    {
      logger,
      clock: systemClock,
      host: 'h',
      hostRoot: opts.hostRoot ?? '/',
      client,
    },
  );
  const ctl = new AbortController();
  const rounds: MetricSample[][] = [];
  const loop = (async () => {
    for await (const b of source.run(ctl.signal)) rounds.push(b.events as MetricSample[]);
  })();
  return {
    rounds,
    lines,
    async stop() {
      ctl.abort();
      await loop;
      client.close();
    },
  };
}

const value = (round: MetricSample[], name: string, labels: Record<string, string> = {}) =>
  round.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value;

/** `df` for one path: used percent (rounded up, as df does) and inodes used percent. */
function df(p: string): { pcent: number; ipcent: number } {
  const out = execFileSync('df', ['--output=pcent,ipcent', p], { encoding: 'utf8' }).split('\n')[1]!;
  const [pcent, ipcent] = out
    .trim()
    .split(/\s+/)
    .map((s) => Number(s.replace('%', '')));
  return { pcent: pcent!, ipcent: ipcent! };
}

describe('host metrics on this machine', () => {
  it('match /proc and df within a point or a few percent, with the engine answering', async () => {
    const run = start();
    try {
      await waitFor('two rounds of host metrics', () => run.rounds.length >= 2, 30_000);
      const r = run.rounds[1]!;
      const [load1] = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
      // The kernel updates the load every 5s: a reading a moment later may differ a little.
      expect(Math.abs(value(r, 'host.load1')! - load1!)).toBeLessThan(1);
      expect(value(r, 'host.load_per_core')).toBeCloseTo(value(r, 'host.load1')! / os.cpus().length, 5);
      const meminfo = fs.readFileSync('/proc/meminfo', 'utf8');
      const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(meminfo)![1]) * 1024;
      expect(value(r, 'host.mem.total_bytes')).toBe(kb('MemTotal'));
      expect(
        Math.abs(value(r, 'host.mem.available_bytes')! - kb('MemAvailable')) / kb('MemTotal'),
      ).toBeLessThan(0.05);
      const busy = value(r, 'host.cpu.busy_percent')!;
      expect(busy).toBeGreaterThanOrEqual(0);
      expect(busy).toBeLessThanOrEqual(100);
      for (const mount of ['/', '/var/lib/docker']) {
        const want = df(mount);
        expect(Math.abs(value(r, 'host.fs.used_percent', { mount })! - want.pcent)).toBeLessThanOrEqual(1);
        expect(
          Math.abs(value(r, 'host.fs.inodes_used_percent', { mount })! - want.ipcent),
        ).toBeLessThanOrEqual(1);
      }
      expect(value(r, 'engine.up')).toBe(1);
      expect(value(r, 'engine.ping_ms')).toBeGreaterThan(0);
      if (fs.existsSync('/proc/pressure/memory'))
        expect(value(r, 'host.psi.memory.some')).toBeGreaterThanOrEqual(0);
      expect(run.lines.filter((l) => l.level >= 40)).toEqual([]);
    } finally {
      await run.stop();
    }
  });

  it('a mount that vanishes is one clear warning; the other metrics carry on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-host-mount-'));
    const run = start({ mounts: [dir] });
    try {
      await waitFor(
        'the mount measured',
        () => run.rounds.some((r) => value(r, 'host.fs.size_bytes', { mount: dir }) !== undefined),
        30_000,
      );
      fs.rmSync(dir, { recursive: true });
      const seen = run.rounds.length;
      await waitFor('three rounds after the removal', () => run.rounds.length >= seen + 3, 30_000);
      const last = run.rounds.at(-1)!;
      expect(value(last, 'host.fs.size_bytes', { mount: dir })).toBeUndefined();
      expect(value(last, 'host.fs.used_percent', { mount: '/' })).toBeGreaterThan(0);
      expect(value(last, 'host.load1')).toBeDefined();
      const warnings = run.lines.filter((l) => l.level === 40);
      expect(warnings.map((l) => l.msg)).toEqual([expect.stringContaining(`cannot read mount ${dir}`)]);
    } finally {
      await run.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a host_root without /proc, without the host root and with no engine: each logged once; the rest goes on', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-host-root-'));
    const data = fs.mkdtempSync(path.join(root, 'data-'));
    const run = start({
      hostRoot: root,
      socket: path.join(root, 'no-docker.sock'),
      mounts: [`/${path.basename(data)}`],
    });
    try {
      await waitFor('two rounds', () => run.rounds.length >= 2, 30_000);
      const r = run.rounds[1]!;
      expect(value(r, 'host.load1')).toBeUndefined();
      expect(value(r, 'engine.up')).toBe(0);
      // `<root>/` is a folder of this machine's root, not a host's root: refused, not misreported.
      expect(value(r, 'host.fs.used_percent', { mount: '/' })).toBeUndefined();
      expect(value(r, 'host.fs.used_percent', { mount: `/${path.basename(data)}` })).toBeGreaterThan(0);
      const warnings = run.lines.filter((l) => l.level === 40);
      expect(warnings.map((l) => l.msg)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`cannot read proc: host_root ${root} has no readable /proc`)),
          expect.stringMatching(/cannot read engine: the Docker engine at .*no-docker.sock is not answering/),
          expect.stringMatching(/cannot read mount \/: /),
        ]),
      );
      expect(warnings.find((l) => l.msg.includes('mount /:'))).toMatchObject({
        err: `${root} is not the host's root file system (mount /:${root}:ro,rslave)`,
      });
      // Once each, not once per round.
      expect(warnings).toHaveLength(3);
    } finally {
      await run.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
