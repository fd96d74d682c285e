/**
 * Issue 11's fault suite: on this one host, at the same time, six faults and four things people
 * do on purpose, with `lookout run` in the README's minimal setup (one PagerDuty receiver, the
 * default rules, no group/route/inhibit/aggregate keys, default collector timings). It scores
 * each fault (notified, time to notify, notifications per problem, resolve after recovery),
 * prints the table, and fails on a miss, a hidden fault, a false page, a duplicate, a page later
 * than 15 s after the alert fired (5 s promised, slack for a loaded 2-core machine), an early
 * resolve or a missing one (score.ts).
 *
 * A notification is a trigger on a dedup_key with no open alert at the stand-in (pd.ts).
 * On this engine (dockerd 20.10, cgroup v1, vfs) a child OOM-killed in a living container does
 * produce `oom` events (checked below against the engine's own record).
 */
import { docker, newRunId, runContainer, waitFor } from '../support/docker';
import { alertsTold, triggersOf } from './support/pd';
import { sampleCpu } from './support/cpu';
import { engineOf, logLines, startRig, type Rig } from './support/rig';
import { score, type Fault } from './support/score';

const runId = newRunId('f11');
const n = (what: string) => `${what}-${runId}`;
let rig: Rig;
const t0 = Date.now();

beforeAll(async () => {
  // Default collector timings (stats every 10 s, logs from each container's start): nothing
  // here needs faster stats, and a 1 s sample could catch the OOM child's instant at its limit.
  rig = await startRig({ runId, receiver: 'pagerduty' });
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

/** A shell loop in the container that counts its own runs in its writable layer (kept across restarts). */
const CRASH =
  'n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; echo "run $n"; sleep 1; ' +
  // From the 5th run on (the loop has fired by then) it dies OOM-killed: the OOM inside a crash loop.
  'if [ $n -ge 5 ]; then echo "run $n allocates past its limit"; head -c 64m /dev/zero | tail; exit $?; fi; exit 3';

async function startFaults(): Promise<void> {
  await runContainer({
    runId,
    name: n('crash'),
    args: ['--restart', 'on-failure', '--memory', '32m', '--memory-swap', '32m'],
    cmd: ['sh', '-c', CRASH],
  });
  await runContainer({
    runId,
    name: n('oomchild'),
    args: ['--memory', '32m', '--memory-swap', '32m'],
    cmd: [
      'sh',
      '-c',
      'sleep 3; head -c 64m /dev/zero | tail; echo "child ended: $?; still here"; exec sleep 3600',
    ],
  });
  await runContainer({
    runId,
    name: n('sick'),
    args: ['--health-cmd', 'test -f /tmp/ok', '--health-interval', '1s', '--health-retries', '1'],
    cmd: ['sh', '-c', 'touch /tmp/ok; sleep 5; rm /tmp/ok; exec sleep 3600'],
  });
  await runContainer({
    runId,
    name: n('errors'),
    cmd: [
      'sh',
      '-c',
      'sleep 5; i=0; while [ $i -lt 30 ]; do echo "ERROR request $i failed: upstream timeout"; i=$((i+1)); usleep 200000; done; echo "burst over"; exec sleep 3600',
    ],
  });
  // Four burners and a large cpu weight among the containers: on this loaded 2-core machine the
  // hog must still get > 80 % of a core (measured below from its cgroup, to tell a miss from a
  // hog that never was one).
  await runContainer({
    runId,
    name: n('hog'),
    args: ['--cpu-shares', '10240'],
    cmd: [
      'sh',
      '-c',
      'burn() { while :; do :; done; }; p=""; for i in 1 2 3 4; do burn & p="$p $!"; done; sleep 90; kill $p; echo "hog stopped"; exec sleep 3600',
    ],
  });
  // 15 x 4 MiB in /dev/shm (charged to the container, not reclaimable without swap): ~96 % of 64m, held.
  await runContainer({
    runId,
    name: n('leak'),
    args: ['--memory', '64m', '--memory-swap', '64m'],
    cmd: [
      'sh',
      '-c',
      'i=0; while [ $i -lt 15 ]; do dd if=/dev/zero of=/dev/shm/leak$i bs=1M count=4 2>/dev/null; i=$((i+1)); sleep 2; done; echo "leak holding"; exec sleep 3600',
    ],
  });
}

async function doQuietThings(): Promise<void> {
  await runContainer({ runId, name: n('job'), cmd: ['sh', '-c', 'sleep 2; echo done; exit 0'] });
  const svc = ['--label', `lookout.service=svc-${runId}`];
  await runContainer({ runId, name: n('v1'), args: svc, cmd: ['sleep', '3600'] });
  const compose = [
    '--label',
    `com.docker.compose.project=p${runId}`,
    '--label',
    'com.docker.compose.service=api',
  ];
  await runContainer({ runId, name: n('gone'), args: compose, cmd: ['sleep', '3600'] });
  await waitFor(
    'v1 and gone running',
    () => engineOf(rig, n('gone'), 'start').length > 0 && engineOf(rig, n('v1'), 'start').length > 0,
    60_000,
  );
  // A deploy: v1 stopped on purpose, v2 of the same service started; a compose-down style removal.
  await docker('stop', '-t', '2', n('v1'));
  await runContainer({ runId, name: n('v2'), args: svc, cmd: ['sleep', '3600'] });
  await docker('rm', '-f', n('gone'));
}

const told = (rule: string, name: string) =>
  triggersOf(rig.pdEvents()).some((t) => alertsTold(t).some((a) => a.rule === rule && a.container === name));

/** The crash looper sat dead for `ms` (restart backoff doubling): container_down would have paged by now. */
function downFor(name: string, ms: number): boolean {
  const ev = engineOf(rig, name).filter((e) => e.action === 'die' || e.action === 'start');
  return ev.some((e, i) => e.action === 'die' && (ev[i + 1] ? ev[i + 1]!.at : Date.now()) - e.at >= ms);
}

test('each fault notifies once, promptly, under its own key; quiet cases page nobody; recoveries resolve', async () => {
  await startFaults();
  const cpu = await sampleCpu(n('hog'));
  await doQuietThings();

  // A wait that times out is recorded and the run goes on to the score, which names the miss.
  const timeouts: string[] = [];
  const wait = async (what: string, fn: () => boolean | Promise<boolean>, ms: number) => {
    try {
      return await waitFor(what, fn, ms, 500);
    } catch {
      timeouts.push(what);
      return false;
    }
  };
  const logTime = async (name: string, text: string) =>
    (await logLines(name)).find((l) => l.text === text)?.at;
  await wait('crash loop told', () => told('container_crash_loop', n('crash')), 180_000);
  await wait('OOM kill told', () => told('container_oom_killed', n('oomchild')), 120_000);
  await wait('unhealthy told', () => told('container_unhealthy', n('sick')), 120_000);
  await wait('error burst told', () => told('container_error_log_burst', n('errors')), 120_000);
  await wait('memory near limit told', () => told('container_memory_near_limit', n('leak')), 300_000);
  // Told, or the hog has been idle 90 s without its cgroup ever showing the rule's condition.
  await wait(
    'high CPU told',
    async () =>
      told('container_high_cpu', n('hog')) ||
      (!cpu.breached(80, 30_000, 30_000) &&
        Date.now() - ((await logTime(n('hog'), 'hog stopped')) ?? Infinity) > 90_000),
    360_000,
  );

  // Recoveries, from the containers' own log timestamps.
  await wait('hog stopped', async () => (await logTime(n('hog'), 'hog stopped')) !== undefined, 180_000);
  const hogStopped = (await logTime(n('hog'), 'hog stopped')) ?? Date.now();
  // The hog recovered when it stopped, or earlier if this loaded machine starved it first: when its
  // real 30 s average (cgroup) fell below the rule's clear level (70 %) after the alert fired.
  const hogFired = triggersOf(rig.pdEvents()).find(
    (t) => t.rule === 'container_high_cpu' && t.component === n('hog'),
  )?.firedAt;
  const hogStarved = hogFired === undefined ? undefined : cpu.fellBelow(70, 30_000, hogFired);
  const hogRecovered = Math.min(hogStopped, hogStarved ?? Infinity);
  const errorLines = (await logLines(n('errors'))).filter((l) => l.text.startsWith('ERROR'));
  const burstOver = errorLines.at(-1)?.at ?? Date.now();
  const resolvedAfter = (name: string, rule: string, since: number) => () => {
    const keys = new Set(
      triggersOf(rig.pdEvents())
        .filter((t) => alertsTold(t).some((a) => a.rule === rule && a.container === name))
        .map((t) => t.key),
    );
    return rig.pdEvents().some((e) => e.action === 'resolve' && keys.has(e.key) && e.at >= since);
  };
  if (told('container_high_cpu', n('hog')))
    await wait('high CPU resolve', resolvedAfter(n('hog'), 'container_high_cpu', hogRecovered), 240_000);
  // The burst rule keeps firing 2 m after its 1 m window empties.
  if (told('container_error_log_burst', n('errors')))
    await wait(
      'error burst resolve',
      resolvedAfter(n('errors'), 'container_error_log_burst', burstOver),
      330_000,
    );
  // Long enough dead between restarts that container_down (for: 30s) fired behind the crash loop.
  await wait('crash looper down for 45 s', () => downFor(n('crash'), 45_000), 300_000);

  cpu.stop();
  const hogReal = cpu.breached(80, 30_000, 30_000);
  // What the engine says happened: the faults are real, the quiet cases were quiet.
  const facts = {
    crashDeaths: engineOf(rig, n('crash'), 'die').length,
    crashOoms: engineOf(rig, n('crash'), 'oom').length,
    childOoms: engineOf(rig, n('oomchild'), 'oom').length,
    childDeaths: engineOf(rig, n('oomchild'), 'die').length,
    unhealthy: engineOf(rig, n('sick'), 'health_status: unhealthy').length,
    errorLines: errorLines.length,
    hogMax30sAvgPct: Math.round(cpu.maxAvg(30_000)),
    hogHeld80For30s: hogReal,
    hogStarvedBeforeStopS:
      hogStarved !== undefined && hogStarved < hogStopped ? (hogStopped - hogStarved) / 1000 : 0,
  };
  const faults: Fault[] = [
    { name: 'crash loop (+OOM inside it)', container: n('crash'), rule: 'container_crash_loop' },
    { name: 'OOM-killed child', container: n('oomchild'), rule: 'container_oom_killed' },
    { name: 'failing HEALTHCHECK', container: n('sick'), rule: 'container_unhealthy' },
    {
      name: 'error burst',
      container: n('errors'),
      rule: 'container_error_log_burst',
      recoveredAt: burstOver,
      expectResolve: true,
      resolveWithinMs: 240_000,
    },
    {
      name: 'CPU hog, stops at 90 s',
      container: n('hog'),
      rule: 'container_high_cpu',
      recoveredAt: hogRecovered,
      expectResolve: true,
      resolveWithinMs: 90_000,
    },
    { name: 'memory leak to 96 %', container: n('leak'), rule: 'container_memory_near_limit' },
  ];
  const s = score({
    faults,
    quiet: ['job', 'v1', 'v2', 'gone'].map(n),
    events: rig.pdEvents(),
    maxNotifyMs: 15_000,
    resolveWithinMs: 90_000,
  });
  const crashPage = triggersOf(rig.pdEvents()).find((t) => t.notified && t.component === n('crash'));
  console.log(
    [
      `fault suite (run ${runId}, ${((Date.now() - t0) / 1000).toFixed(0)} s):`,
      s.table,
      `engine: ${JSON.stringify(facts)}`,
      'stand-in timeline (s since start; N = notification, u = update):',
      ...rig
        .pdEvents()
        .filter(
          (e) =>
            e.action === 'resolve' ||
            [e.component, ...e.members.map((m) => m.container)].some((c) => c?.endsWith(runId)),
        )
        .map((e) => {
          const t = triggersOf(rig.pdEvents()).find((x) => x.at === e.at && x.key === e.key);
          const fired = e.firedAt === undefined ? '' : ` fired +${((e.firedAt - t0) / 1000).toFixed(1)}`;
          return `  +${((e.at - t0) / 1000).toFixed(1)} ${e.action === 'resolve' ? 'resolve' : t?.notified ? 'N' : 'u'} ${e.key.slice(0, 8)} ${e.rule ?? ''} ${e.component ?? ''}${fired}`;
        }),
      `hog stopped +${((hogStopped - t0) / 1000).toFixed(1)}; starved below 70 % (real 30 s avg) before its stop: ${hogStarved === undefined || hogStarved >= hogStopped ? 'no' : `yes, at +${((hogStarved - t0) / 1000).toFixed(1)}`}`,
      `waits that timed out: ${timeouts.join(', ') || 'none'}`,
      `crash loop page related: ${JSON.stringify(crashPage?.related ?? [])}`,
      `stand-in: ${rig.pdEvents().length} events, ${triggersOf(rig.pdEvents()).filter((t) => t.notified).length} notifications`,
    ].join('\n'),
  );
  expect(facts).toMatchObject({ crashDeaths: expect.any(Number), hogHeld80For30s: true });
  expect(facts.crashDeaths).toBeGreaterThanOrEqual(3);
  expect(facts.crashOoms).toBeGreaterThan(0);
  expect(facts.childOoms).toBeGreaterThan(0);
  expect(facts.childDeaths).toBe(0);
  expect(facts.unhealthy).toBeGreaterThan(0);
  expect(facts.errorLines).toBeGreaterThanOrEqual(20);
  expect(s.failures).toEqual([]);
}, 1_200_000);
