/**
 * The rig the issue-11 e2e tests share: the real Docker engine, `lookout run` with the default
 * rules and a receiver pointed at a stand-in (the HTTPS PagerDuty stand-in, or a real SMTP
 * server), the engine's own record of what happened to this run's containers (`docker events`),
 * and cleanup of exactly what the test started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { docker, removeTestContainers, TEST_LABEL } from '../../support/docker';
import { startLookout, type LookoutProcess } from '../../support/lookout-process';
import { makeLoopbackCert } from '../../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../../support/pagerduty-standin';
import { startPrivateSmtp, type PrivateSmtp } from '../../support/smtp-private';
import { fromStandin, type PdEvent } from './pd';

export interface EngineEvent {
  action: string;
  name: string;
  at: number;
  attrs: Record<string, string>;
}

export interface Rig {
  runId: string;
  dir: string;
  lookout: LookoutProcess;
  pd?: PagerDutyStandin;
  smtp?: PrivateSmtp;
  /** This run's container events as the engine reported them. */
  engine: EngineEvent[];
  /** The stand-in's `/v2/enqueue` events, normalised. */
  pdEvents(): PdEvent[];
  close(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(3000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

/**
 * The engine and carbon must answer. Nothing here skips: with LOOKOUT_REQUIRE_SERVICES=1 (CI) the
 * message says a required service is down; without it, it says how to start them.
 */
export async function requireServices(): Promise<void> {
  const missing: string[] = [];
  try {
    await docker('version', '--format', '{{.Server.Version}}');
  } catch {
    missing.push('the Docker engine');
  }
  const carbon = Number(process.env.CARBON_PORT ?? 2003);
  if (!(await answers(carbon))) missing.push(`carbon on 127.0.0.1:${carbon}`);
  if (missing.length === 0) return;
  throw new Error(
    process.env.LOOKOUT_REQUIRE_SERVICES === '1'
      ? `LOOKOUT_REQUIRE_SERVICES=1 and not answering: ${missing.join(', ')}`
      : `not answering: ${missing.join(', ')}; start them with \`bash test/support/services-up.sh\` and \`source /var/tmp/lookout-services/env\``,
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function recordEngine(runId: string, into: EngineEvent[]): ChildProcess {
  const proc = spawn('docker', [
    'events',
    '--filter',
    `label=${TEST_LABEL}=${runId}`,
    '--filter',
    'type=container',
    '--format',
    '{{json .}}',
  ]);
  readline.createInterface({ input: proc.stdout }).on('line', (l) => {
    try {
      const e = JSON.parse(l) as {
        Action: string;
        Actor: { Attributes: Record<string, string> };
        timeNano: number;
      };
      into.push({
        action: e.Action,
        name: e.Actor.Attributes.name ?? '',
        at: Math.floor(e.timeNano / 1e6),
        attrs: e.Actor.Attributes,
      });
    } catch {
      /* not an event line */
    }
  });
  return proc;
}

/**
 * Starts the stand-ins, the engine recorder and `lookout run`. `receiver` picks the one receiver:
 * the README's minimal setup for paging (PagerDuty) or a mail digest (SMTP). No `group`, `route`,
 * `inhibit_rules` or `aggregate` keys: the defaults are what is tested. `collector` is extra
 * collector config text (indented two spaces), empty for the defaults.
 */
export async function startRig(opts: {
  runId: string;
  receiver: 'pagerduty' | 'email';
  collector?: string;
}): Promise<Rig> {
  await requireServices();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-e2e11-'));
  const cert = makeLoopbackCert(dir);
  const apiPort = await freePort();
  const engine: EngineEvent[] = [];
  const recorder = recordEngine(opts.runId, engine);
  let pd: PagerDutyStandin | undefined;
  let smtp: PrivateSmtp | undefined;
  let receiver: string;
  const env: NodeJS.ProcessEnv = { E2E11_PD_KEY: 'e2e11-routing-key', E2E11_SMTP_PASS: 'e2e11-mail-pass' };
  if (opts.receiver === 'pagerduty') {
    pd = await startPagerDutyStandin(cert);
    // The stand-in's address and CA are the only departures from the README's receiver.
    receiver = `{ name: oncall, type: pagerduty, routing_key: { env: E2E11_PD_KEY }, events_host: '${pd.server}', ca_file: '${cert.certFile}' }`;
  } else {
    smtp = await startPrivateSmtp({ ...cert, user: 'lookout', password: 'e2e11-mail-pass' });
    receiver = `{ name: mail, type: email, host: 127.0.0.1, port: ${smtp.port}, starttls: require, user: lookout, password: { env: E2E11_SMTP_PASS }, ca_file: '${cert.certFile}', from: lookout@e2e.invalid, to: [sre@e2e.invalid] }`;
  }
  const config = `
${opts.collector ? `collector:\n${opts.collector}\n` : ''}sinks:
  - { type: graphite, address: '127.0.0.1:${process.env.CARBON_PORT ?? 2003}' }
notify:
  receivers:
    - ${receiver}
  api: { listen: '127.0.0.1:${apiPort}' }
  links:
    grafana_url: http://127.0.0.1:3000
    kibana_url: http://127.0.0.1:5601
    graphite_url: ${process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080'}
    alerter_url: http://127.0.0.1:${apiPort}
`;
  const lookout = startLookout({ args: ['run'], config, dir, env });
  const rig: Rig = {
    runId: opts.runId,
    dir,
    lookout,
    pd,
    smtp,
    engine,
    pdEvents: () => (pd?.accepted ?? []).filter((e) => e.path === '/v2/enqueue').map(fromStandin),
    async close() {
      await lookout.stop();
      recorder.kill();
      await removeTestContainers(opts.runId);
      await pd?.close();
      await smtp?.close();
      fs.writeFileSync(path.join(dir, 'lookout.log'), lookout.logs.map((l) => JSON.stringify(l)).join('\n'));
    },
  };
  try {
    await lookout.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000);
  } catch (err) {
    await rig.close();
    throw err;
  }
  return rig;
}

/** Engine events of one container, optionally of one action (`die`, `oom`, `start`...). */
export function engineOf(rig: Rig, name: string, action?: string): EngineEvent[] {
  return rig.engine.filter((e) => e.name === name && (action === undefined || e.action.startsWith(action)));
}

/** Lines of `docker logs --timestamps`, each with its time (ms) and text. */
export async function logLines(name: string): Promise<Array<{ at: number; text: string }>> {
  const out = await docker('logs', '--timestamps', name);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ at: Date.parse(l.slice(0, l.indexOf(' '))), text: l.slice(l.indexOf(' ') + 1) }));
}
