/**
 * Secrets never reach what lookout shows: `lookout run` with a PagerDuty routing key, an SMTP
 * password, a webhook HMAC key, the API token and a Kafka SASL password, each a marked value,
 * pages a real crash loop on the real engine; then its whole log (debug level), the incident
 * page, the decision log, the receivers API and `lookout explain` are searched for every one.
 * The webhook and the mail fail on purpose (a closed port, a server without AUTH): failures are
 * where a URL or a credential is most likely to be quoted.
 */
import fs from 'node:fs';
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
const crasher = `crash-${runId}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-secrets-'));
let pd: PagerDutyStandin;
let lookout: LookoutProcess;
let api: string;

beforeAll(async () => {
  await requireServices();
  const cert = makeLoopbackCert(dir);
  pd = await startPagerDutyStandin(cert);
  const apiPort = await freePort();
  api = `http://127.0.0.1:${apiPort}`;
  const config = `
collector:
  stats: { interval: 1s }
bus:
  kafka: { brokers: ['127.0.0.1:9'], sasl: { mechanism: plain, username: u, password: { env: SEC_KAFKA } } }
notify:
  receivers:
    - { name: oncall, type: pagerduty, routing_key: { env: SEC_PD }, events_host: '${pd.server}', ca_file: '${cert.certFile}' }
    - { name: hook, type: webhook, url: 'http://127.0.0.1:9/hooks/${runId}', secret: { env: SEC_HMAC } }
    - { name: mail, type: email, host: 127.0.0.1, port: ${process.env.SMTP_PORT ?? 2525}, user: lookout, password: { env: SEC_SMTP }, from: l@example.invalid, to: [s@example.invalid] }
  route:
    receiver: oncall
    routes:
      - { receiver: oncall, continue: true }
      - { receiver: hook, continue: true }
      - { receiver: mail }
  api: { listen: '127.0.0.1:${apiPort}', token: { env: SEC_API } }
  links: { alerter_url: '${api}', grafana_url: 'http://127.0.0.1:3000', kibana_url: 'http://127.0.0.1:5601' }
`;
  fs.writeFileSync(path.join(dir, 'lookout.yaml'), config);
  lookout = startLookout({ args: ['run'], dir, config, env: { ...SECRETS, LOOKOUT_LOG__LEVEL: 'debug' } });
  await lookout.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000);
}, 180_000);

afterAll(async () => {
  await lookout?.stop();
  await removeTestContainers(runId);
  await pd?.close();
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
      return /"receiver":"hook"[^}]*"error"/.test(text) && /"receiver":"mail"[^}]*"error"/.test(text) && text;
    },
    120_000,
  );
  const page = await (await fetch(`${api}/alerts/${key}`)).text();
  const receivers = await (await fetch(`${api}/api/v1/receivers`)).text();
  const explained = await lookoutCli(['explain', key, '--config', path.join(dir, 'lookout.yaml')], {
    ...SECRETS,
    LOOKOUT_STATE__PATH: path.join(dir, 'state.db'),
  });
  expect(page).toContain(crasher);
  expect(explained.stdout).toContain(key);
  const outputs = {
    log: lookout.logs.map((l) => JSON.stringify(l)).join('\n') + lookout.stdout.join('\n'),
    page,
    decisions,
    receivers,
    explain: explained.stdout + explained.stderr,
    // PagerDuty must get its own routing key, and nothing else secret.
    pagerduty: JSON.stringify(pd.accepted.map((e) => ({ ...e.body, routing_key: undefined }))),
  };
  for (const [where, text] of Object.entries(outputs)) {
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ where, name, leaked: text.includes(value) }).toEqual({ where, name, leaked: false });
    }
  }
}, 420_000);
