/**
 * A private dockerd for tests that must stop and start the engine (never the shared one, which
 * the other engineers' tests use): its own socket, data-root, exec-root and pid file in a temp
 * folder, no bridge and no iptables (it runs no containers and must not touch the host's network).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../core/logger';
import { createDockerClient } from '../../collector/sources/docker/client';
import { dockerConfigSchema } from '../../collector/sources/docker/config';
import { waitFor } from './docker';

export class PrivateDockerd {
  private proc?: ChildProcess;

  private constructor(readonly dir: string) {}

  static create(): PrivateDockerd {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-dockerd-'));
    fs.writeFileSync(path.join(dir, 'daemon.json'), '{}');
    return new PrivateDockerd(dir);
  }

  get socket(): string {
    return path.join(this.dir, 'docker.sock');
  }

  get dataRoot(): string {
    return path.join(this.dir, 'data');
  }

  /** Starts the engine and resolves once it answers /_ping. */
  async start(): Promise<void> {
    this.proc = spawn(
      'dockerd',
      [
        ...['--data-root', this.dataRoot, '--exec-root', path.join(this.dir, 'exec')],
        ...['--pidfile', path.join(this.dir, 'dockerd.pid'), '-H', `unix://${this.socket}`],
        ...['--config-file', path.join(this.dir, 'daemon.json'), '--bridge', 'none'],
        ...['--iptables=false', '--ip6tables=false'],
      ],
      { stdio: ['ignore', 'ignore', fs.openSync(path.join(this.dir, 'dockerd.log'), 'a')] },
    );
    const probe = createDockerClient(
      dockerConfigSchema.parse({ socket: this.socket, request_timeout: '2s' }),
      {
        logger: silentLogger(),
      },
    );
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
  }

  /** SIGTERM to our own dockerd, by its pid; resolves once it exited. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = once(p, 'exit');
    p.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
