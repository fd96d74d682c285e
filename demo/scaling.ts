/**
 * The demo's scaling chapter (issue 13, point 5): a pool of replicas of the service `shop`
 * shares a fixed demand. The demo plays the load balancer: it splits the demand over the
 * replicas running now through a file each replica reads, and each replica burns that share of
 * a core every second. One replica runs hot, `demo_pool_hot` fires, the coordinator receiver
 * asks the example coordinator (deploy/examples/coordinator/) for a replica, the load per
 * container halves and the alert resolves. Once the (demo-scaled) quiet period after the
 * scale-out has passed, evening comes: the demand drops, `demo_pool_cold` fires and the
 * coordinator removes a replica again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { docker, runContainer, TEST_LABEL } from '../test/support/docker';
import { DEMO_LABEL } from './containers';

export const POOL_SERVICE = 'shop';
/** Share of one core the whole pool is asked for, by day and in the evening. */
const DAY_DEMAND = 0.75;
const EVENING_DEMAND = 0.1;
/** The receiver's quiet period before a scale-in (the demo's scaled-down `scale_in_quiet`). */
export const SCALE_IN_QUIET_S = 40;
const OWNER = 'lookout.coordinator.service';

/**
 * The demo-scaled pool rules: the stock service_pool_hot judges 5 minutes, this 15 seconds.
 * Each replica's fork-and-kill cycle adds 5 to 8 points to its share on a quiet machine (one
 * replica at 75 % reads about 80 %, two at 37.5 % about 45 %): the thresholds sit well clear of
 * both, so the pool pages with one replica and resolves with two.
 */
export const SCALING_RULES = `# written by the demo (demo/scaling.ts): rules/services.yaml's pool rule, scaled to seconds
rules:
  - name: demo_pool_hot
    kind: threshold
    metric: cpu.percent
    where: { service: ${POOL_SERVICE} }
    group_by: [service]
    reduce: avg
    window: 15s
    op: '>'
    threshold: 60
    clear: 55
    for: 10s
    on_no_data: resolve
    severity: warning
    runbook: service_pool_hot.md
    summary: 'Service {{ service }} runs hot: {{ value }}% CPU per container'
  - name: demo_pool_cold
    kind: threshold
    metric: cpu.percent
    where: { service: ${POOL_SERVICE} }
    group_by: [service]
    reduce: avg
    window: 15s
    op: '<'
    threshold: 20
    clear: 25
    for: 10s
    on_no_data: resolve
    severity: info
    labels: { scale: in }
    summary: 'Service {{ service }} idles: {{ value }}% CPU per container'
`;

/**
 * Each replica: every second, burn the share the load balancer wrote, then rest. Four busy loops
 * under a one-core quota (`--cpus 1`) and a high CPU weight (`--cpu-shares`): on a quiet machine
 * they make exactly the share, and on a busy one the scheduler still gives them most of it, so
 * the CPU per container follows the pool's size rather than the machine's other load.
 */
const REPLICA_SCRIPT =
  'burn() { while :; do :; done; }; ' +
  'while :; do read b i < /pool/share || { sleep 1; continue; }; p=""; ' +
  'for n in 1 2 3 4; do burn & p="$p $!"; done; sleep "$b"; kill $p; sleep "$i"; done';

export interface ScalingChapterOptions {
  runId: string;
  work: string;
  say: (line: string) => void;
}

export class ScalingChapter {
  private readonly poolDir: string;
  private size = 0;
  private peak = 0;
  private outAt: number | undefined;
  private evening = false;
  private scaledIn = false;
  private lastCpuAt = 0;

  private constructor(
    private readonly o: ScalingChapterOptions,
    private readonly coordinator: ChildProcess,
    readonly url: string,
    /** The key lookout signs with: handed to lookout by environment, never written to a file. */
    readonly secret: string,
  ) {
    this.poolDir = path.join(o.work, 'pool');
  }

  /** Starts the example coordinator; the pool's first replica comes with begin(). */
  static async start(o: ScalingChapterOptions): Promise<ScalingChapter> {
    const poolDir = path.join(o.work, 'pool');
    fs.mkdirSync(poolDir, { recursive: true });
    const secret = crypto.randomBytes(16).toString('hex');
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '..', 'deploy/examples/coordinator/coordinator.js')],
      {
        env: {
          ...process.env,
          LOOKOUT_COORDINATOR_SECRET: secret,
          COORDINATOR_LISTEN: '127.0.0.1:0',
          COORDINATOR_SERVICES: JSON.stringify({ [POOL_SERVICE]: replicaSpec(o.runId, poolDir) }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const port = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the example coordinator exited (${code})`)));
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /listening on [\d.]+:(\d+)/.exec(line);
        if (m) resolve(m[1]!);
        else o.say(`  COORDINATOR: ${line.replace(/^\S+ /, '')}`);
      });
    });
    return new ScalingChapter(o, child, `http://127.0.0.1:${port}/scale`, secret);
  }

  /** Starts the first replica, as the coordinator would, and the day's demand. */
  async begin(): Promise<void> {
    this.writeShare(DAY_DEMAND, 1);
    const spec = replicaSpec(this.o.runId, this.poolDir);
    const labels = Object.entries(spec.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    await runContainer({
      runId: this.o.runId,
      args: [...spec.options, ...labels, '--label', `${OWNER}=${POOL_SERVICE}`],
      cmd: spec.args,
    });
    this.o.say(
      `== scaling: service ${POOL_SERVICE} starts with 1 replica; the load balancer (the demo) spreads ${pct(DAY_DEMAND)} of a core over its replicas`,
    );
  }

  /** One step of the load balancer, once a second: follow the pool's size, split the demand. */
  async step(hotResolved: boolean, cpuOf: (container: string) => Promise<number | undefined>): Promise<void> {
    const names = await this.replicas();
    if (names.length !== this.size) {
      if (this.size > 0)
        this.o.say(`  POOL ${POOL_SERVICE}: ${this.size} → ${names.length} replicas (${names.join(', ')})`);
      if (names.length > this.size && this.size > 0) this.outAt = Date.now();
      if (names.length < this.size && this.peak > names.length) this.scaledIn = true;
      this.size = names.length;
      this.peak = Math.max(this.peak, this.size);
    }
    const quietOver = this.outAt !== undefined && Date.now() > this.outAt + SCALE_IN_QUIET_S * 1000;
    if (!this.evening && hotResolved && quietOver) {
      this.evening = true;
      this.o.say(
        `== scaling: evening, the demand on ${POOL_SERVICE} drops to ${pct(EVENING_DEMAND)} of a core`,
      );
    }
    this.writeShare(this.evening ? EVENING_DEMAND : DAY_DEMAND, Math.max(1, this.size));
    if (names.length > 0 && Date.now() - this.lastCpuAt >= 10_000) {
      this.lastCpuAt = Date.now();
      const values = await Promise.all(names.map(async (n) => `${n} ${fmt(await cpuOf(n))}`));
      this.o.say(`  POOL ${POOL_SERVICE}: CPU per container (Graphite): ${values.join(', ')}`);
    }
  }

  /** Scaled out, then back in. */
  get complete(): boolean {
    return this.outAt !== undefined && this.scaledIn;
  }

  get summary(): string {
    return `scaled out=${this.outAt !== undefined} evening=${this.evening} scaled in=${this.scaledIn}`;
  }

  async stop(): Promise<void> {
    if (this.coordinator.exitCode !== null) return;
    const exited = new Promise((r) => this.coordinator.once('exit', r));
    this.coordinator.kill('SIGTERM');
    await exited;
  }

  private async replicas(): Promise<string[]> {
    const out = await docker(
      'ps',
      '--filter',
      `label=${OWNER}=${POOL_SERVICE}`,
      '--filter',
      `label=${TEST_LABEL}=${this.o.runId}`,
      '--format',
      '{{.Names}}',
    );
    return out.split('\n').filter(Boolean).sort();
  }

  /** The share of each replica, as "busy idle" seconds of each second, replaced atomically. */
  private writeShare(demand: number, replicas: number): void {
    const busy = Math.min(0.95, demand / replicas);
    const file = path.join(this.poolDir, 'share');
    fs.writeFileSync(`${file}.new`, `${busy.toFixed(2)} ${(1 - busy).toFixed(2)}\n`);
    fs.renameSync(`${file}.new`, file);
  }
}

/** What the coordinator runs for a replica (COORDINATOR_SERVICES), and the demo for the first. */
function replicaSpec(runId: string, poolDir: string) {
  return {
    image: process.env.LOOKOUT_TEST_IMAGE ?? 'local/busybox:full',
    options: [
      '--pull',
      'never',
      '--network',
      'none',
      '--cpus',
      '1',
      '--cpu-shares',
      '16384',
      '-v',
      `${poolDir}:/pool:ro`,
    ],
    labels: { [TEST_LABEL]: runId, [DEMO_LABEL]: runId, 'lookout.service': POOL_SERVICE },
    args: ['sh', '-c', REPLICA_SCRIPT],
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const fmt = (v: number | undefined) => (v === undefined ? '(no data yet)' : `${v.toFixed(0)}%`);
