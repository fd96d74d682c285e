/**
 * `npm run demo`: the whole pipeline on this machine, narrated as it happens.
 *
 *   services-up.sh ─► Docker, carbon + graphite-web, StatsD, SMTP (started only if not answering)
 *   PagerDuty stand-in (local HTTPS test double, NOT PagerDuty)
 *   lookout run ─► watches every container, ships to StatsD and carbon, evaluates rules/, pages
 *   demo containers: web (healthy), worker (crash loop), cpu-hog (burns a core, then idles)
 *   scaling chapter (scaling.ts), once the hog idles: a hot pool of `shop` replicas, the example
 *   coordinator scaling it out and, later, in again
 *
 * Ctrl-C (or --exit-when-done once every expected page and resolve arrived) stops exactly what
 * the demo started: lookout, its containers, the stand-in, and the services it had to start.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { makeLoopbackCert } from '../test/support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../test/support/pagerduty-standin';
import { demoConfig } from './config';
import { containerName, startWorkload, stopWorkload, type DemoWorkload } from './containers';
import { SCALE_IN_QUIET_S, SCALING_RULES, ScalingChapter } from './scaling';
import { promSum, StatusLine } from './status';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const exitWhenDone = args.includes('--exit-when-done');
const timeoutSec = Number(args[args.indexOf('--timeout') + 1] ?? 0) || (exitWhenDone ? 300 : 0);
// Artefacts (pages, the first mail, the graph) go to a temporary folder the demo prints, so a
// run leaves the checkout clean; `npm run demo -- --record` refreshes the README's copies.
const record = args.includes('--record');
const outDir = record
  ? path.join(ROOT, 'docs', 'demo')
  : fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-demo-artefacts-'));
const hogSeconds = 100;

const status = new StatusLine();
const startedAt = Date.now();
/** The scaling chapter's lines, with the time into the run: saved as scaling.txt when the chapter ends. */
const scalingStory: string[] = [];
const say = (s: string) => {
  status.say(s);
  if (/== scaling|POOL |COORDINATOR|demo_pool_/.test(s) && !s.startsWith('      ')) {
    const t = Math.round((Date.now() - startedAt) / 1000);
    scalingStory.push(
      `[${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}] ${s.trim()}`,
    );
  }
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function servicesUp(startedList: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'test/support/services-up.sh')], {
      env: { ...process.env, STARTED_LIST: startedList },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    readline.createInterface({ input: child.stdout }).on('line', (l) => say(`  ${l}`));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`services-up.sh failed (${code})`));
      const dir = process.env.SVC_DIR ?? '/var/tmp/lookout-services';
      const env: Record<string, string> = {};
      for (const m of fs.readFileSync(path.join(dir, 'env'), 'utf8').matchAll(/([A-Z_]+)=(\S+)/g))
        env[m[1]!] = m[2]!;
      resolve(env);
    });
  });
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T | undefined> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** A container's latest CPU percent in Graphite (the carbon sink's series), if any yet. */
async function lastCpu(graphiteUrl: string, host: string, container: string): Promise<number | undefined> {
  const target = `lookout.${host}.${container.replace(/[^A-Za-z0-9_-]/g, '_')}.cpu.percent`;
  const series = await getJson<Array<{ datapoints: Array<[number | null, number]> }>>(
    `${graphiteUrl}/render?target=${target}&from=-20s&format=json`,
  );
  const points = (series?.[0]?.datapoints ?? []).filter((p) => p[0] !== null);
  return points.at(-1)?.[0] ?? undefined;
}

interface Story {
  discovered: Set<string>;
  metricsShown: Set<string>;
  pages: Map<
    string,
    { summary: string; container?: string; rule?: string; resolved: boolean; image?: string }
  >;
  mails: number;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-demo-'));
const cleanups: Array<[string, () => unknown]> = [];
let stopping = false;

/** Stops, in reverse order, exactly what the demo started; then exits. */
async function cleanup(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  status.done();
  say('\n== stopping what the demo started');
  for (const [what, fn] of cleanups.reverse()) {
    try {
      await fn();
      say(`  stopped ${what}`);
    } catch (err) {
      say(`  could not stop ${what}: ${String(err)}`);
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(code);
}

async function main(): Promise<void> {
  const startedList = path.join(work, 'started-services');
  process.on('SIGINT', () => void cleanup(0));
  process.on('SIGTERM', () => void cleanup(0));

  // Registered before the services start: a Ctrl-C while they come up (dockerd can take minutes
  // on a first start) must still stop each one already launched; services-up.sh lists each pid
  // the moment it launches it.
  cleanups.push([
    'services the demo started',
    () => {
      if (!fs.existsSync(startedList)) return;
      for (const line of fs.readFileSync(startedList, 'utf8').trim().split('\n').filter(Boolean)) {
        const [name, pid] = line.split(' ');
        try {
          process.kill(Number(pid), 'SIGTERM');
          say(`    ${name} (pid ${pid})`);
        } catch {
          /* already gone */
        }
      }
    },
  ]);
  say(`== artefacts (pages, mail, graph) go to ${outDir}${record ? ' (--record)' : ''}`);
  say('== lookout demo: starting the real services (only those not already answering)');
  const env = await servicesUp(startedList);
  const graphiteUrl = env.GRAPHITE_URL!;
  const inboxUrl = env.SMTP_INBOX_URL!;

  fs.mkdirSync(path.join(work, 'pd-cert'));
  const cert = makeLoopbackCert(path.join(work, 'pd-cert'));
  const pd: PagerDutyStandin = await startPagerDutyStandin(cert);
  cleanups.push(['PagerDuty stand-in', () => pd.close()]);
  say(
    `== PagerDuty stand-in (a local test double speaking Events API v2, not PagerDuty) on https://${pd.server}`,
  );

  const runId = `demo${Date.now().toString(36)}`;
  const scaling = await ScalingChapter.start({ runId, work, say });
  cleanups.push(['example coordinator', () => scaling.stop()]);
  const scalingRules = path.join(work, 'rules-scaling');
  fs.mkdirSync(scalingRules);
  fs.writeFileSync(path.join(scalingRules, 'scaling.yaml'), SCALING_RULES);
  say(`== example coordinator (deploy/examples/coordinator/) on ${scaling.url}`);

  const [httpPort, apiPort, webPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const configFile = path.join(work, 'lookout.yaml');
  fs.writeFileSync(
    configFile,
    demoConfig({
      stateDir: work,
      httpPort,
      apiPort,
      webPort,
      pagerdutyServer: pd.server,
      pagerdutyCaFile: cert.certFile,
      graphiteUrl,
      carbonPort: Number(env.CARBON_PORT),
      statsdPort: Number(env.STATSD_PORT),
      smtpPort: Number(env.SMTP_PORT),
      rulesDir: path.join(ROOT, 'rules'),
      runbooksDir: path.join(ROOT, 'docs', 'runbooks'),
      scaling: { rulesDir: scalingRules, coordinatorUrl: scaling.url, scaleInQuietS: SCALE_IN_QUIET_S },
    }),
  );
  const mailsBefore = (await getJson<unknown[]>(inboxUrl))?.length ?? 0;

  say(`== lookout run --config ${configFile}`);
  const lookout = spawn(process.execPath, [path.join(ROOT, 'bin/lookout'), 'run', '--config', configFile], {
    env: {
      ...process.env,
      DEMO_PAGERDUTY_ROUTING_KEY: 'demo-routing-key-0000000000000000',
      DEMO_COORDINATOR_SECRET: scaling.secret,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lookoutExit = new Promise<number | null>((r) => lookout.once('exit', r));
  say(`  lookout run pid ${lookout.pid}`);
  cleanups.push([
    'lookout run',
    async () => (lookout.exitCode === null ? (lookout.kill('SIGTERM'), await lookoutExit) : undefined),
  ]);
  readline.createInterface({ input: lookout.stderr }).on('line', (line) => {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return say(`  lookout: ${line}`);
    }
    if (rec.msg === 'docker discovery running')
      say(`  lookout: watching ${String(rec.containers)} containers on ${String(rec.endpoint)}`);
    else if (rec.msg === 'rules loaded') say(`  lookout: ${String(rec.rules)} rules loaded`);
    else if (typeof rec.level === 'number' && rec.level >= 50)
      say(`  lookout ERROR: ${String(rec.msg)} ${rec.err ? JSON.stringify(rec.err).slice(0, 200) : ''}`);
  });
  void lookoutExit.then((code) => {
    if (!stopping) {
      say(`lookout exited unexpectedly (${code})`);
      void cleanup(1);
    }
  });

  say(`== starting demo containers (label lookout.demo=${runId})`);
  const w: DemoWorkload = await startWorkload(runId, { webPort, hogSeconds });
  // The pool starts once the hog idles: on a small machine the two would share its cores.
  const poolAt = Date.now() + hogSeconds * 1000;
  let poolStarted = false;
  let scalingSaved = false;
  cleanups.push(['demo containers', () => stopWorkload(runId)]);
  const names = {
    web: await containerName(w.web),
    worker: await containerName(w.worker),
    hog: await containerName(w.hog),
  };
  say(`  ${names.web}: busybox httpd on 127.0.0.1:${webPort} (healthy, probed by lookout)`);
  say(`  ${names.worker}: exits 1 every second, restarted by Docker (a crash loop)`);
  say(`  ${names.hog}: burns a core for ${hogSeconds}s, then idles (high CPU, then resolved)`);
  say(`  then the scaling chapter: a pool of service shop, scaled out and in by the example coordinator`);

  const story: Story = { discovered: new Set(), metricsShown: new Set(), pages: new Map(), mails: 0 };
  const host = os.hostname().replace(/[^A-Za-z0-9_-]/g, '_');
  let lastEvents = 0;
  let lastAt = Date.now();
  let seenPd = 0;
  const deadline = timeoutSec > 0 ? Date.now() + timeoutSec * 1000 : Infinity;

  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    // First metrics in Graphite, per demo container.
    for (const [role, name] of Object.entries(names)) {
      if (story.metricsShown.has(role)) continue;
      const series = `stats.gauges.lookout.${host}.${name.replace(/[^A-Za-z0-9_-]/g, '_')}.cpu.percent`;
      const found = await getJson<unknown[]>(`${graphiteUrl}/metrics/find?query=${series}`);
      if (found && found.length > 0) {
        story.metricsShown.add(role);
        say(
          `  metrics: ${name} cpu.percent is in Graphite: ${graphiteUrl}/render?target=${series}&from=-10min&format=png`,
        );
      }
    }
    // Pages as the stand-in received them.
    for (; seenPd < pd.accepted.length; seenPd++) {
      const ev = pd.accepted[seenPd]!;
      const b = ev.body;
      if (ev.path === '/v2/change/enqueue') {
        say(`  CHANGE EVENT: ${String(b.payload?.summary)}`);
        continue;
      }
      const key = String(b.dedup_key);
      if (b.event_action === 'trigger') {
        story.pages.set(key, {
          summary: String(b.payload?.summary),
          container: b.payload?.component as string,
          rule: b.payload?.class as string,
          resolved: false,
          image: (b.images as Array<{ src: string }> | undefined)?.[0]?.src,
        });
        say(`  PAGE (trigger, ${String(b.payload?.severity)}): ${String(b.payload?.summary)}`);
        for (const l of (b.links as Array<{ href: string; text: string }> | undefined) ?? [])
          say(`      ${l.text}: ${l.href}`);
        for (const i of (b.images as Array<{ src: string }> | undefined) ?? []) say(`      graph: ${i.src}`);
        if (b.payload?.component === names.hog || b.payload?.component === names.worker) {
          fs.mkdirSync(outDir, { recursive: true });
          fs.writeFileSync(
            path.join(outDir, `page-${b.payload?.class as string}.json`),
            `${JSON.stringify(b, (k, v: unknown) => (k === 'routing_key' ? '(redacted)' : v), 2)}\n`,
          );
        }
      } else if (b.event_action === 'resolve') {
        const p = story.pages.get(key);
        if (p) p.resolved = true;
        say(`  RESOLVED: ${p?.summary ?? key}`);
      }
    }
    // Mails as the SMTP server received them.
    const inbox = (await getJson<Array<{ raw: string; to: string[] }>>(inboxUrl)) ?? [];
    for (const mail of inbox.slice(mailsBefore + story.mails)) {
      story.mails++;
      say(
        `  MAIL to ${mail.to.join(', ')}: ${/^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(mail.raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '(no subject)'}`,
      );
      if (story.mails === 1) {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(path.join(outDir, 'mail.eml'), mail.raw);
      }
    }
    // The status line, from lookout's own /metrics.
    const metrics = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(3000) })
      .then((r) => r.text())
      .catch(() => '');
    const events = promSum(metrics, 'lookout_collector_events_in_total');
    const rate = ((events - lastEvents) * 1000) / Math.max(1, Date.now() - lastAt);
    lastEvents = events;
    lastAt = Date.now();
    const firing = [...story.pages.values()].filter((p) => !p.resolved).length;
    status.update(
      `containers watched: ${promSum(metrics, 'lookout_docker_containers')}  events/s: ${rate.toFixed(0)}  alerts firing: ${firing}  pages: ${story.pages.size}  mails: ${story.mails}`,
    );

    const paged = (container: string, rule: string) =>
      [...story.pages.values()].find((p) => p.container === container && p.rule === rule);
    const crash = paged(names.worker, 'container_crash_loop');
    const hog = paged(names.hog, 'container_high_cpu');
    const poolHot = [...story.pages.values()].find((p) => p.rule === 'demo_pool_hot');
    if (!poolStarted && Date.now() >= poolAt) {
      poolStarted = true;
      await scaling.begin();
    }
    if (poolStarted) await scaling.step(Boolean(poolHot?.resolved), (c) => lastCpu(graphiteUrl, host, c));
    if (scaling.complete && !scalingSaved) {
      // Saved when the chapter ends, whatever the other chapters are doing.
      scalingSaved = true;
      say(`== scaling: scaled out and back in; the story is saved to ${path.join(outDir, 'scaling.txt')}`);
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, 'scaling.txt'), `${scalingStory.join('\n')}\n`);
    }
    if (crash && hog?.resolved && story.mails > 0 && poolHot?.resolved && scaling.complete) {
      // The picture is the page's own image (the alerter's render URL for the breach), fetched
      // now that the hog has stopped and narrowed to its last minutes (a page shows 30 min
      // before the breach), so the graph shows the rise, the threshold and the fall.
      const src =
        hog.image ??
        `${graphiteUrl}/render?target=lookout.${host}.${names.hog.replace(/[^A-Za-z0-9_-]/g, '_')}.cpu.percent&format=png`;
      const range = new URL(src);
      const now = Math.ceil(Date.now() / 1000);
      range.searchParams.set('from', String(now - 4 * 60));
      range.searchParams.set('until', String(now));
      const png = await fetch(range);
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, 'cpu-hog.png'), Buffer.from(await png.arrayBuffer()));
      say(
        `== the story is complete: crash loop paged, CPU hog paged and resolved, mails sent, the hot pool scaled out, resolved and scaled in. Graph saved to ${path.join(outDir, 'cpu-hog.png')}`,
      );
      say('DEMO-OK');
      if (exitWhenDone) return cleanup(0);
      say('   (Ctrl-C to stop; lookout keeps watching)');
      break;
    }
    if (Date.now() > deadline) {
      say(
        `DEMO-TIMEOUT after ${timeoutSec}s: crash loop paged=${Boolean(crash)} hog paged=${Boolean(hog)} hog resolved=${Boolean(hog?.resolved)} mails=${story.mails} pool hot paged=${Boolean(poolHot)} resolved=${Boolean(poolHot?.resolved)} ${scaling.summary}`,
      );
      return cleanup(1);
    }
  }
  await new Promise(() => undefined); // until Ctrl-C
}

main().catch((err: unknown) => {
  say(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void cleanup(1);
});
