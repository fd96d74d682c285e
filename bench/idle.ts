/**
 * bench:idle: what the collector costs on a quiet host. Starts N idle containers (busybox
 * `sleep 3600`, labelled, removed at the end), runs `lookout collect --sink stdout` at the default
 * intervals, and measures the collector from outside the process: CPU from utime+stime in
 * /proc/<pid>/stat (ticks / CLK_TCK over wall time, % of one core), RSS from VmRSS in
 * /proc/<pid>/status, sampled every 5 s. A warm-up (start, discovery, first reads) is not counted.
 *
 *   npx tsx bench/idle.ts [--rounds 5] [--minutes 1] [--containers 50] [--warmup 30] [--where host|container]
 *
 * After the warm-up, N rounds (5 by default) of `--minutes` each (1 by default: 5 minutes measured
 * in all, as before) on the same collector; each round prints its figures, then the median, min
 * and max (bench/lib/report), with the machine and the load average before and after.
 *
 * --where host (default) runs the compiled CLI as a child process on this machine; --where
 * container runs the sidecar image (local/lookout:bench, built by deploy/build-image.sh
 * --prebuilt) with deploy/compose.yaml's mounts and measures its node process by host pid.
 * Goal (issue 8): at most 1% of one core and 80 MB RSS for 50 containers.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  docker,
  newRunId,
  removeTestContainers,
  runContainer,
  TEST_LABEL,
  waitFor,
} from '../test/support/docker';
import {
  machineLine,
  peakRssMiB,
  printHeader,
  printSummaries,
  roundsFromArgs,
  runRounds,
} from './lib/report';
import { composeRunArgs } from '../test/sidecar/compose-run';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const GOAL_CPU_PERCENT = 1;
const GOAL_RSS_MB = 80;

interface Options {
  /** Measured rounds after one warm-up, each `minutes` long (bench/lib/report's --rounds, 5 by default). */
  rounds: number;
  minutes: number;
  containers: number;
  warmupSeconds: number;
  where: 'host' | 'container';
  /** Extra node flags for the collector (host only), e.g. --max-semi-space-size=1. */
  nodeOptions: string[];
  /** Write a V8 CPU profile of the measured run (host only) and print the top functions. */
  profile: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    rounds: roundsFromArgs(['', '', ...argv]),
    minutes: 1,
    containers: 50,
    warmupSeconds: 30,
    where: 'host',
    nodeOptions: [],
    profile: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--rounds' && v) o.rounds = Number(v);
    else if (a === '--minutes' && v) o.minutes = Number(v);
    else if (a === '--containers' && v) o.containers = Number(v);
    else if (a === '--warmup' && v) o.warmupSeconds = Number(v);
    else if (a === '--where' && (v === 'host' || v === 'container')) o.where = v;
    else if (a === '--node-options' && v) o.nodeOptions = v.split(/\s+/).filter(Boolean);
    else if (a === '--profile') {
      o.profile = true;
      continue;
    } else
      throw new Error(
        `usage: bench/idle.ts [--rounds N] [--minutes N] [--containers N] [--warmup S] [--where host|container] (bad: ${a})`,
      );
    i++;
  }
  if (!(o.minutes > 0) || !(o.containers >= 0))
    throw new Error('--minutes must be > 0 and --containers >= 0');
  return o;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process, in seconds. Fields after the `(comm)` are counted from its closing paren. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 and 15 of proc(5)
}

export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function startIdle(runId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 5) {
    const batch = Array.from({ length: Math.min(5, n - i) }, (_, j) =>
      runContainer({
        runId,
        name: `idle-${runId}-${i + j}`,
        args: ['--network', 'none', '--label', `lookout.service=idle${runId}`],
        cmd: ['sleep', '3600'],
      }),
    );
    await Promise.all(batch);
  }
}

/** Compiles the CLI to a temp folder (never dist/ of the shared tree) and starts `collect` from it. */
async function startOnHost(
  dir: string,
  o: Options,
): Promise<{ pid: number; child: ChildProcess; describe: string }> {
  const out = path.join(dir, 'build');
  // tsc emits despite type errors (another part of the tree mid-edit); measure what it emitted, say so.
  await exec(
    path.join(ROOT, 'node_modules/.bin/tsc'),
    ['-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out],
    { maxBuffer: 64 * 1024 * 1024 },
  ).catch((err: Error & { stdout?: string }) => {
    if (!fs.existsSync(path.join(out, 'cli', 'main.js')))
      throw new Error(`the TypeScript build failed:\n${err.stdout ?? err.message}`);
    process.stderr.write(
      `warning: the tree has type errors; measuring the emitted JavaScript anyway:\n${err.stdout ?? ''}`,
    );
  });
  // The build finds its package root (version, default rules) and dependencies beside it.
  for (const f of ['node_modules', 'package.json', 'rules'])
    fs.symlinkSync(path.join(ROOT, f), path.join(out, f));
  const main = path.join(out, 'cli', 'main.js');
  const entry = path.join(dir, 'lookout.js');
  // What bin/lookout does with dist/, pointed at the temp build.
  fs.writeFileSync(entry, `void require(${JSON.stringify(main)}).main();\n`);
  const stderr = fs.openSync(path.join(dir, 'collector.log'), 'w');
  const flags = [
    ...o.nodeOptions,
    ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, 'profile')}`] : []),
  ];
  const child = spawn(process.execPath, [...flags, entry, 'collect', '--sink', 'stdout'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOOKOUT_STATE__PATH: path.join(dir, 'state.db'),
      LOOKOUT_HTTP__LISTEN: '127.0.0.1:0',
      LOOKOUT_LOG__FORMAT: 'json',
    },
    stdio: ['ignore', 'ignore', stderr],
  });
  if (!child.pid) throw new Error('the collector did not start');
  return {
    pid: child.pid,
    child,
    describe: `node ${flags.join(' ')}${flags.length ? ' ' : ''}bin/lookout collect --sink stdout (compiled: ${out}) on the host`,
  };
}

async function startInContainer(runId: string): Promise<{ pid: number; name: string; describe: string }> {
  const image = 'local/lookout:bench';
  await exec('bash', [path.join(ROOT, 'deploy', 'build-image.sh'), '--prebuilt', '--tag', image], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const name = `lookout-bench-${runId}`;
  const gid = String(fs.statSync('/var/run/docker.sock').gid);
  const args = composeRunArgs(path.join(ROOT, 'deploy', 'compose.yaml'), 'lookout', {
    vars: { DOCKER_GID: gid },
    image,
    namedVolumes: { 'lookout-state': `lookout-bench-${runId}` },
    volumes: { '/etc/lookout/lookout.yaml': null, '/etc/lookout/rules': null },
    env: { LOOKOUT_HTTP__LISTEN: '127.0.0.1:0' },
    command: ['collect', '--sink', 'stdout'],
    // Its stdout (the sink's output) must not become a log it tails itself: with json-file the
    // sidecar reads back every line it printed and prints it again, growing without end.
    logDriver: 'none',
  });
  await docker('run', '-d', '--pull', 'never', '--name', name, '--label', `${TEST_LABEL}=${runId}`, ...args);
  // With `init: true` the container's first process is tini; the collector is its child.
  const tini = Number(await docker('inspect', '-f', '{{.State.Pid}}', name));
  const pid = await waitFor(
    'the collector process in the container',
    () => {
      const kids = fs
        .readFileSync(`/proc/${tini}/task/${tini}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      return kids.length > 0 ? Number(kids[0]) : undefined;
    },
    30_000,
  );
  return {
    pid,
    name,
    describe: `the sidecar image (${image}) as in deploy/compose.yaml, running collect --sink stdout`,
  };
}

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Top functions by self time in the V8 profile (warm-up included: the profile spans the whole run). */
function printProfile(profileDir: string): void {
  const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return void console.log('  profile:   none written (did the collector exit cleanly?)');
  const prof = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as { nodes: ProfileNode[] };
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of prof.nodes) {
    const hits = n.hitCount ?? 0;
    if (n.callFrame.functionName === '(idle)') continue;
    total += hits;
    const where = n.callFrame.url
      ? `${n.callFrame.url.replace(/^.*\/(node_modules|build)\//, '$1/')}:${n.callFrame.lineNumber + 1}`
      : '';
    const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
  }
  console.log(`  profile:   ${path.join(profileDir, file)} (busy samples: ${total}); top self time:`);
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`    ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One round: the collector's CPU over `minutes` (from /proc, % of one core) and its RSS sampled
 * every 5 s. The bench's own process and the idle containers are its partners and cost next to
 * nothing; the collector is measured from outside, so nothing of ours is counted in its figures.
 */
async function measureRound(pid: number, minutes: number): Promise<Record<string, number>> {
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  const rss: number[] = [];
  const end = t0 + minutes * 60_000;
  while (performance.now() < end) {
    rss.push(rssBytes(pid));
    await sleep(Math.min(5000, Math.max(0, end - performance.now())));
  }
  const cpu = cpuSeconds(pid) - cpu0;
  const wall = (performance.now() - t0) / 1000;
  rss.push(rssBytes(pid));
  const mb = (b: number) => b / 1024 / 1024;
  return {
    'cpu % of one core': (100 * cpu) / wall,
    'cpu seconds': cpu,
    'rss max MB': mb(Math.max(...rss)),
    'rss mean MB': mb(rss.reduce((x, y) => x + y, 0) / rss.length),
    'collector peak RSS MiB': peakRssMiB(pid),
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const runId = newRunId('idle');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-idle-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
    }
    await removeTestContainers(runId).catch(() => undefined);
    await docker('volume', 'rm', '-f', `lookout-bench-${runId}`).catch(() => undefined);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    process.stderr.write(`starting ${o.containers} idle containers...\n`);
    await startIdle(runId, o.containers);
    const started = o.where === 'host' ? await startOnHost(dir, o) : await startInContainer(runId);
    if ('child' in started) child = started.child;
    const pid = started.pid;
    process.stderr.write(
      `collector pid ${pid}; warm-up ${o.warmupSeconds}s, then ${o.rounds} rounds of ${o.minutes} min measured\n`,
    );
    await sleep(o.warmupSeconds * 1000);
    // The collector watches every container on the host: say how many were not ours (a shared CI
    // machine runs other tests' containers, which may log and so cost more than idle ones).
    const others = async () => (await docker('ps', '-q')).split('\n').filter(Boolean).length - o.containers;
    const othersAtStart = await others();
    printHeader(
      `npx tsx bench/idle.ts --rounds ${o.rounds} --minutes ${o.minutes} --containers ${o.containers} --where ${o.where}`,
    );
    console.log(
      `bench:idle  ${o.containers} idle containers, ${o.rounds} rounds of ${o.minutes} min after ${o.warmupSeconds} s warm-up, default intervals`,
    );
    console.log(`  collector: ${started.describe}`);
    const s = await runRounds(o.rounds, () => measureRound(pid, o.minutes));
    const othersAtEnd = await others();
    console.log(
      `  also running: ${othersAtStart} other containers at the start, ${othersAtEnd} at the end (not the bench's)`,
    );
    printSummaries(s);
    const cpuPercent = s['cpu % of one core']!.median;
    const maxRss = s['rss max MB']!.max;
    const verdict =
      cpuPercent <= GOAL_CPU_PERCENT && maxRss <= GOAL_RSS_MB ? 'within the goal' : 'OVER the goal';
    console.log(
      `goal: <= ${GOAL_CPU_PERCENT} % (median of rounds) and <= ${GOAL_RSS_MB} MB (max of rounds): ${verdict}`,
    );
    console.log(
      JSON.stringify({
        bench: 'idle',
        where: o.where,
        containers: o.containers,
        rounds: o.rounds,
        minutes: o.minutes,
        otherContainers: [othersAtStart, othersAtEnd],
        cpuPercent: +cpuPercent.toFixed(3),
        maxRssMB: +maxRss.toFixed(1),
        meanRssMB: +s['rss mean MB']!.median.toFixed(1),
        machine: machineLine(),
      }),
    );
  } finally {
    await stop();
  }
  if (o.profile) printProfile(path.join(dir, 'profile'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
