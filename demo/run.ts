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
 * This file is the plot; the narration, the receivers' reading and the helpers live beside it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeLoopbackCert } from '../test/support/pagerduty-cert';
import { startPagerDutyStandin } from '../test/support/pagerduty-standin';
import { demoConfig } from './config';
import { containerName, startWorkload, stopWorkload } from './containers';
import { lastCpu, saveHogGraph } from './graph';
import { startLookout } from './lookout-process';
import { Narrator } from './narrator';
import { freePort } from './net';
import { SCALE_IN_QUIET_S, SCALING_RULES, ScalingChapter } from './scaling';
import { servicesUp, stopStartedServices } from './services';
import { promSum } from './status';
import { Story } from './story';

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

const narrator = new Narrator();
const say = narrator.say;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-demo-'));
const cleanups: Array<[string, () => unknown]> = [];
let stopping = false;

/** Stops, in reverse order, exactly what the demo started; then exits. */
async function cleanup(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  narrator.done();
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

/** The real services, the PagerDuty stand-in and the example coordinator, each stopped on exit. */
async function startReceivers() {
  const startedList = path.join(work, 'started-services');
  // Registered before the services start: a Ctrl-C while they come up (dockerd can take minutes
  // on a first start) must still stop each one already launched; services-up.sh lists each pid
  // the moment it launches it.
  cleanups.push(['services the demo started', () => stopStartedServices(startedList, say)]);
  say(`== artefacts (pages, mail, graph) go to ${outDir}${record ? ' (--record)' : ''}`);
  say('== lookout demo: starting the real services (only those not already answering)');
  const env = await servicesUp(startedList, say);

  fs.mkdirSync(path.join(work, 'pd-cert'));
  const cert = makeLoopbackCert(path.join(work, 'pd-cert'));
  const pd = await startPagerDutyStandin(cert);
  cleanups.push(['PagerDuty stand-in', () => pd.close()]);
  say(
    `== PagerDuty stand-in (a local test double speaking Events API v2, not PagerDuty) on https://${pd.server}`,
  );

  const runId = `demo${Date.now().toString(36)}`;
  const scaling = await ScalingChapter.start({ runId, work, say });
  cleanups.push(['example coordinator', () => scaling.stop()]);
  say(`== example coordinator (deploy/examples/coordinator/) on ${scaling.url}`);
  return { env, cert, pd, runId, scaling };
}

type Receivers = Awaited<ReturnType<typeof startReceivers>>;

/** Writes lookout's config for this run and starts `lookout run` with it. */
async function startLookoutRun({ env, cert, pd, scaling }: Receivers) {
  const scalingRules = path.join(work, 'rules-scaling');
  fs.mkdirSync(scalingRules);
  fs.writeFileSync(path.join(scalingRules, 'scaling.yaml'), SCALING_RULES);
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
      graphiteUrl: env.GRAPHITE_URL!,
      carbonPort: Number(env.CARBON_PORT),
      statsdPort: Number(env.STATSD_PORT),
      smtpPort: Number(env.SMTP_PORT),
      rulesDir: path.join(ROOT, 'rules'),
      runbooksDir: path.join(ROOT, 'docs', 'runbooks'),
      scaling: { rulesDir: scalingRules, coordinatorUrl: scaling.url, scaleInQuietS: SCALE_IN_QUIET_S },
    }),
  );
  say(`== lookout run --config ${configFile}`);
  const lookout = startLookout(
    configFile,
    {
      DEMO_PAGERDUTY_ROUTING_KEY: 'demo-routing-key-0000000000000000',
      DEMO_COORDINATOR_SECRET: scaling.secret,
    },
    say,
  );
  say(`  lookout run pid ${lookout.child.pid}`);
  cleanups.push(['lookout run', () => lookout.stop()]);
  void lookout.exited.then((code) => {
    if (!stopping) {
      say(`lookout exited unexpectedly (${code})`);
      void cleanup(1);
    }
  });
  return { httpPort, webPort };
}

/** The web server, the crash loop and the hog, labelled with the run id and removed on exit. */
async function startContainers(runId: string, webPort: number): Promise<Record<string, string>> {
  say(`== starting demo containers (label lookout.demo=${runId})`);
  const w = await startWorkload(runId, { webPort, hogSeconds });
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
  return names;
}

/** The status line, from lookout's own /metrics: events per second since the last call. */
function statusLine(httpPort: number, story: Story): () => Promise<string> {
  let lastEvents = 0;
  let lastAt = Date.now();
  return async () => {
    const metrics = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(3000) })
      .then((r) => r.text())
      .catch(() => '');
    const events = promSum(metrics, 'lookout_collector_events_in_total');
    const rate = ((events - lastEvents) * 1000) / Math.max(1, Date.now() - lastAt);
    lastEvents = events;
    lastAt = Date.now();
    return `containers watched: ${promSum(metrics, 'lookout_docker_containers')}  events/s: ${rate.toFixed(0)}  alerts firing: ${story.firing()}  pages: ${story.pages.size}  mails: ${story.mails}`;
  };
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void cleanup(0));
  process.on('SIGTERM', () => void cleanup(0));
  const receivers = await startReceivers();
  const { env, pd, runId, scaling } = receivers;
  const graphiteUrl = env.GRAPHITE_URL!;
  const host = os.hostname();
  // Mails are counted from here: an earlier run's, still in the inbox, are not this story's.
  const story = await Story.begin({ graphiteUrl, inboxUrl: env.SMTP_INBOX_URL!, pd, host, outDir, say });
  const { httpPort, webPort } = await startLookoutRun(receivers);
  const names = (story.names = await startContainers(runId, webPort));
  const status = statusLine(httpPort, story);
  // The pool starts once the hog idles: on a small machine the two would share its cores.
  const poolAt = Date.now() + hogSeconds * 1000;
  let poolStarted = false;
  let scalingSaved = false;
  const deadline = timeoutSec > 0 ? Date.now() + timeoutSec * 1000 : Infinity;

  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    await story.read();
    narrator.update(await status());
    const crash = story.paged(names.worker!, 'container_crash_loop');
    const hog = story.paged(names.hog!, 'container_high_cpu');
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
      fs.writeFileSync(path.join(outDir, 'scaling.txt'), narrator.scalingStory());
    }
    if (crash && hog?.resolved && story.mails > 0 && poolHot?.resolved && scaling.complete) {
      const graph = await saveHogGraph({ graphiteUrl, host, hog: names.hog!, pageImage: hog.image, outDir });
      say(
        `== the story is complete: crash loop paged, CPU hog paged and resolved, mails sent, the hot pool scaled out, resolved and scaled in. Graph saved to ${graph}`,
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
