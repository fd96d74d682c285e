/**
 * Commands that send nothing (explain, silence, backtest) work in a plain shell that has none
 * of the service's secrets: the config names five env secrets, none is set. `lookout check`
 * still reports each unset one as an error (exit 2, file:line:key), and `lookout run` refuses
 * to start, naming it, before it listens or connects to anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookoutCli } from '../support/lookout-cli';
import { newRunId } from '../support/docker';

const runId = newRunId('lazysec');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-lazysec-'));
const file = path.join(dir, 'lookout.yaml');
const unset = (what: string) => `UNSET_${what}_${runId.replace(/[^A-Za-z0-9]/g, '_')}`;
const PD = unset('PD');
// The variables are unset in the commands' environment whatever this shell holds.
const env = Object.fromEntries(['PD', 'HMAC', 'SMTP', 'API', 'KAFKA'].map((w) => [unset(w), '']));

beforeAll(() => {
  fs.writeFileSync(
    file,
    `state: { path: '${path.join(dir, 'state.db')}' }
alerter: { rules: ['${path.resolve(__dirname, '../../rules')}'] }
bus:
  kafka: { brokers: ['127.0.0.1:9'], sasl: { mechanism: plain, username: u, password: { env: ${unset('KAFKA')} } } }
notify:
  receivers:
    - { name: oncall, type: pagerduty, routing_key: { env: ${PD} } }
    - { name: hook, type: webhook, url: 'http://127.0.0.1:9/hook', secret: { env: ${unset('HMAC')} } }
    - { name: mail, type: email, host: 127.0.0.1, user: l, password: { env: ${unset('SMTP')} }, from: l@example.invalid, to: [s@example.invalid] }
  route: { receiver: oncall }
  api: { listen: '127.0.0.1:0', token: { env: ${unset('API')} } }
`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const notSet = /is not set/;

test('lookout explain reads the store with no secret set', async () => {
  const r = await lookoutCli(['explain', 'container_crash_loop', '--config', file], env);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout).toContain('container_crash_loop');
});

test('lookout silence add, list and expire work with no secret set', async () => {
  const added = await lookoutCli(
    [
      'silence',
      'add',
      '--match',
      `service=web-${runId}`,
      '--for',
      '30m',
      '--comment',
      'deploy',
      '--config',
      file,
    ],
    env,
  );
  expect({ code: added.code, stderr: added.stderr }).toEqual({ code: 0, stderr: '' });
  const id = added.stdout.trim().split(/\s+/)[0]!;
  const listed = await lookoutCli(['silence', 'list', '--config', file], env);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain(`service=web-${runId}`);
  const expired = await lookoutCli(['silence', 'expire', id, '--config', file], env);
  expect({ code: expired.code, stderr: expired.stderr }).toEqual({ code: 0, stderr: '' });
  expect(expired.stdout).toContain(`expired ${id}`);
});

test('lookout backtest reads Graphite with no secret set', async () => {
  const graphite = process.env.GRAPHITE_URL;
  if (!graphite)
    throw new Error('GRAPHITE_URL is not set: run test/support/services-up.sh and source its env');
  const r = await lookoutCli(
    ['backtest', '--rule', 'container_high_cpu', '--from', '-10m', '--graphite', graphite, '--config', file],
    env,
  );
  expect(r.stderr).not.toMatch(notSet);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('container_high_cpu');
});

test('a silence shared with a Kafka fleet needs the SASL password, and says which', async () => {
  const r = await lookoutCli(
    ['silence', 'add', '--match', `service=web-${runId}`, '--for', '30m', '--comment', 'x', '--config', file],
    { ...env, LOOKOUT_BUS__TYPE: 'kafka' },
  );
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(`environment variable ${unset('KAFKA')} is not set`);
});

test('lookout check reports every unset secret as an error, with file, line and key', async () => {
  const r = await lookoutCli(['check', '--config', file], env);
  expect(r.code).toBe(2);
  expect(r.stdout + r.stderr).toMatch(
    new RegExp(
      `lookout\\.yaml:7:\\d+: notify\\.receivers\\[0\\]\\.routing_key: environment variable ${PD} is not set`,
    ),
  );
  for (const w of ['HMAC', 'SMTP', 'API', 'KAFKA'])
    expect(r.stdout + r.stderr).toContain(`${unset(w)} is not set`);
});

test('lookout run refuses to start without them, naming the first file, line and key', async () => {
  const r = await lookoutCli(['run', '--config', file], env);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    new RegExp(`notify\\.receivers\\[0\\]\\.routing_key: environment variable ${PD} is not set`),
  );
});
