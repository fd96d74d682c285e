/**
 * Secrets never reach what lookout shows: `lookout run` with a PagerDuty routing key, an SMTP
 * password, a webhook HMAC key, the API token and a Kafka SASL password, each a marked value,
 * pages a real crash loop on the real engine; then its whole log (debug level), the incident
 * page, the decision log, the receivers API and `lookout explain` are searched for every one.
 * The webhook and the mail fail on purpose (a closed port, a server without AUTH): failures are
 * where a URL or a credential is most likely to be quoted. Three webhooks carry a marked token in
 * their URL's path and query (as Slack's and Teams' hooks do), at a closed port, at a server that
 * answers 500 echoing the request line, and at one that resets the connection; that token must
 * not appear either, nor in `lookout status` or the state database's files.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { lookoutCli } from '../support/lookout-cli';
import { startLookout, type LookoutProcess } from '../support/lookout-process';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../support/pagerduty-standin';
import { freePort, requireServices } from './support/rig';

const runId = newRunId('secrets');
const SECRETS = {
  SEC_PD: `pd-routing-${runId}`,
  SEC_SMTP: `smtp-pass-${runId}`,
  SEC_HMAC: `hmac-key-${runId}`,
  SEC_API: `api-token-${runId}`,
  SEC_KAFKA: `kafka-pass-${runId}`,
};
/** Not an env secret: it sits in the webhooks' URLs, where a path or query holds it. */
const URL_TOKEN = `url-token-${runId}`;
const hookPath = `/services/T01/B02/${URL_TOKEN}-path?token=${URL_TOKEN}-query`;
const crasher = `crash-${runId}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-secrets-'));
let pd: PagerDutyStandin;
let lookout: LookoutProcess;
let api: string;
let metricsUrl: string;
const hookServers: Array<http.Server | net.Server> = [];

async function listenLoopback(server: http.Server | net.Server): Promise<number> {
  hookServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  await requireServices();
  const cert = makeLoopbackCert(dir);
  pd = await startPagerDutyStandin(cert);
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  const echo500 = await listenLoopback(
    http.createServer((req, res) => res.writeHead(500).end(`no hook at POST ${req.url}`)),
  );
  const reset = await listenLoopback(net.createServer((socket) => socket.resetAndDestroy()));
  const config = `
collector:
  stats: { interval: 1s }
bus:
  kafka: { brokers: ['127.0.0.1:9'], sasl: { mechanism: plain, username: u, password: { env: SEC_KAFKA } } }
notify:
  receivers:
    - { name: oncall, type: pagerduty, routing_key: { env: SEC_PD }, events_host: '${pd.server}', ca_file: '${cert.certFile}' }
    - { name: hook, type: webhook, url: 'http://127.0.0.1:9${hookPath}', secret: { env: SEC_HMAC } }
    - { name: hook500, type: webhook, url: 'http://127.0.0.1:${echo500}${hookPath}' }
    - { name: hookreset, type: webhook, url: 'http://127.0.0.1:${reset}${hookPath}' }
    - { name: mail, type: email, host: 127.0.0.1, port: ${process.env.SMTP_PORT ?? 2525}, user: lookout, password: { env: SEC_SMTP }, from: l@example.invalid, to: [s@example.invalid] }
  route:
    receiver: oncall
    routes:
      - { receiver: oncall, continue: true }
      - { receiver: hook, continue: true }
      - { receiver: hook500, continue: true }
      - { receiver: hookreset, continue: true }
      - { receiver: mail }
  api: { listen: '127.0.0.1:${apiPort}', token: { env: SEC_API } }
  links: { alerter_url: '${api}', grafana_url: 'http://127.0.0.1:3000', kibana_url: 'http://127.0.0.1:5601' }
`;
  fs.writeFileSync(path.join(dir, 'lookout.yaml'), config);
  lookout = startLookout({ args: ['run'], dir, config, env: { ...SECRETS, LOOKOUT_LOG__LEVEL: 'debug' } });
  const health = await lookout.waitForLog('/metrics', (l) => String(l.msg).startsWith('health endpoints'));
  metricsUrl = health.url as string;
  await lookout.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000);
}, 180_000);

afterAll(async () => {
  await lookout?.stop();
  await removeTestContainers(runId);
  await pd?.close();
  await Promise.all(hookServers.map((s) => new Promise((resolve) => s.close(resolve))));
  fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

test('no secret in the log, the incident page, the decision log, the receivers API or explain', async () => {
  await runContainer({
    runId,
    name: crasher,
    args: ['--restart', 'on-failure'],
    cmd: ['sh', '-c', 'echo starting; sleep 1; exit 3'],
  });
  const trigger = await waitFor(
    'the crash loop page at the PagerDuty stand-in',
    () => pd.accepted.find((e) => e.body.payload?.component === crasher && e.body.event_action === 'trigger'),
    240_000,
  );
  const key = String(trigger.body.dedup_key);
  // The failing receivers have tried at least once: their errors are in the decision log.
  const decisionsUrl = `${api}/api/v1/alerts/${key}/decisions`;
  const decisions = await waitFor(
    'the webhook and the mail to have failed once',
    async () => {
      const text = await (await fetch(decisionsUrl)).text();
      const failed = (r: string) => new RegExp(`"receiver":"${r}"[^}]*"error"`).test(text);
      return ['hook', 'hook500', 'hookreset', 'mail'].every(failed) && text;
    },
    120_000,
  );
  const page = await (await fetch(`${api}/alerts/${key}`)).text();
  const receivers = await (await fetch(`${api}/api/v1/receivers`)).text();
  const explained = await lookoutCli(['explain', key, '--config', path.join(dir, 'lookout.yaml')], {
    ...SECRETS,
    LOOKOUT_STATE__PATH: path.join(dir, 'state.db'),
  });
  const status = await lookoutCli(['status', '--api', api, '--metrics', metricsUrl], {
    LOOKOUT_API_TOKEN: SECRETS.SEC_API,
  });
  const stateFiles = fs.readdirSync(dir).filter((f) => f.startsWith('state.db'));
  expect(page).toContain(crasher);
  expect(status.stdout).toContain('hook500');
  expect(stateFiles).toContain('state.db');
  expect(explained.stdout).toContain(key);
  const outputs = {
    log: lookout.logs.map((l) => JSON.stringify(l)).join('\n') + lookout.stdout.join('\n'),
    page,
    decisions,
    receivers,
    explain: explained.stdout + explained.stderr,
    status: status.stdout + status.stderr,
    // SQLite keeps strings as written: a plain search of the files finds a stored one.
    state: stateFiles.map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1')).join('\n'),
    // PagerDuty must get its own routing key, and nothing else secret.
    pagerduty: JSON.stringify(pd.accepted.map((e) => ({ ...e.body, routing_key: undefined }))),
  };
  for (const [where, text] of Object.entries(outputs)) {
    for (const [name, value] of Object.entries({ ...SECRETS, URL_TOKEN })) {
      expect({ where, name, leaked: text.includes(value) }).toEqual({ where, name, leaked: false });
    }
  }
}, 420_000);
