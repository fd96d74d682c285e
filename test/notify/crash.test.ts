/**
 * Never lose a page: an alerter process commits a firing alert while PagerDuty is down, is
 * killed with SIGKILL, and a new process on the same state store delivers it once PagerDuty
 * is back. The children trust the stand-in through NODE_EXTRA_CA_CERTS, as a deployment would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore } from '../../core/store/store';
import { pendingRows } from '../../alerter/notify/outbox';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../support/pagerduty-standin';
import { waitFor } from '../support/docker';
import { firing, makeAlert } from './fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-crash-'));
const cert = makeLoopbackCert(dir);
const children: ChildProcess[] = [];
let pd: PagerDutyStandin | undefined;

function child(env: Record<string, string>): { proc: ChildProcess; out: () => string } {
  let out = '';
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures/alerter-child.ts')],
    {
      cwd: path.join(__dirname, '../..'),
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certFile, PD_KEY: 'crash-routing-key', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
  children.push(proc);
  return { proc, out: () => out };
}

const exited = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await pd?.close();
});

test('a page committed before a kill -9, while PagerDuty was down, is delivered by the next process', async () => {
  // Learn a free port, then take the stand-in down: PagerDuty is unreachable.
  const probe = await startPagerDutyStandin(cert);
  const port = probe.port;
  await probe.close();

  const store = path.join(dir, 'state.db');
  const alert = makeAlert({ key: `crash-${process.pid}` });
  const tfile = path.join(dir, 'transitions.json');
  fs.writeFileSync(tfile, JSON.stringify([firing(alert, Date.now())]));

  const first = child({ STORE: store, PD_SERVER: `127.0.0.1:${port}`, TRANSITIONS: tfile });
  await waitFor('the first alerter to commit', () => first.out().includes('committed'), 60_000);
  const view = StateStore.open(store);
  await waitFor('a failed delivery attempt', () => pendingRows(view).some((r) => r.attempts >= 1), 60_000);
  first.proc.kill('SIGKILL');
  await exited(first.proc);
  expect(pendingRows(view)).toHaveLength(1);
  view.close();

  pd = await startPagerDutyStandin({ ...cert, port });
  const second = child({ STORE: store, PD_SERVER: `127.0.0.1:${port}` });
  await waitFor('the page to reach PagerDuty', () => pd!.accepted.length > 0, 90_000);
  expect(pd.accepted).toHaveLength(1);
  expect(pd.accepted[0]!.body).toMatchObject({ event_action: 'trigger', dedup_key: alert.key });
  second.proc.kill('SIGTERM');
  await exited(second.proc);
});
