/**
 * Issue 11, points 4 and 5 (digests stay digests; every alert carries its own links), on the
 * real rig: one e-mail receiver (a real SMTP server with STARTTLS and AUTH), the default rules and
 * stock grouping (a mail receiver groups by host with Alertmanager's timers: wait 5 s, interval
 * 5 m). Four faults on this host within the same seconds (a crash loop, an OOM-killed child, a
 * failing HEALTHCHECK, an error burst) arrive in fewer mails than faults, one mail lists several
 * of them, and each alert in a mail links to its own container's dashboard and logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { newRunId, runContainer, waitFor } from '../support/docker';
import { parseMail, type ParsedMail } from './support/mail';
import { engineOf, startRig, type Rig } from './support/rig';

const runId = newRunId('d11');
const n = (what: string) => `${what}-${runId}`;
let rig: Rig;
const t0 = Date.now();

beforeAll(async () => {
  rig = await startRig({ runId, receiver: 'email' });
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

const WAIT_GATE = 'while [ ! -f /gate/go ]; do usleep 200000; done';

test('several faults in the same minutes arrive in few mails, each alert with its own links', async () => {
  const gate = path.join(rig.dir, 'gate');
  fs.mkdirSync(gate);
  const mount = ['-v', `${gate}:/gate`];
  await runContainer({
    runId,
    name: n('crash'),
    args: [...mount, '--restart', 'on-failure'],
    cmd: ['sh', '-c', `${WAIT_GATE}; exit 3`],
  });
  await runContainer({
    runId,
    name: n('oomchild'),
    args: [...mount, '--memory', '32m', '--memory-swap', '32m'],
    cmd: ['sh', '-c', `${WAIT_GATE}; head -c 64m /dev/zero | tail; exec sleep 3600`],
  });
  await runContainer({
    runId,
    name: n('sick'),
    args: [
      ...mount,
      '--health-cmd',
      'test ! -f /gate/go',
      '--health-interval',
      '1s',
      '--health-retries',
      '1',
    ],
    cmd: ['sleep', '3600'],
  });
  await runContainer({
    runId,
    name: n('errors'),
    args: mount,
    cmd: [
      'sh',
      '-c',
      `${WAIT_GATE}; i=0; while [ $i -lt 25 ]; do echo "ERROR job $i failed: disk full"; i=$((i+1)); done; exec sleep 3600`,
    ],
  });
  // All four at once: open the gate when the health check has passed (so "unhealthy" is a change).
  await waitFor(
    'sick healthy',
    () => engineOf(rig, n('sick'), 'health_status: healthy').length > 0,
    60_000,
    200,
  );
  const opened = Date.now();
  fs.writeFileSync(path.join(gate, 'go'), '');

  const expected: Array<[string, string]> = [
    ['container_crash_loop', n('crash')],
    ['container_oom_killed', n('oomchild')],
    ['container_unhealthy', n('sick')],
    ['container_error_log_burst', n('errors')],
  ];
  // The SMTP server keeps no receive time; note it as each mail arrives.
  const received: number[] = [];
  const mails = (): Array<ParsedMail & { at: number }> =>
    rig.smtp!.inbox.map((m, i) => ({ ...parseMail(m.raw), at: received[i] ?? Date.now() }));
  const seenAll = () => {
    while (received.length < rig.smtp!.inbox.length) received.push(Date.now());
    const firing = mails().flatMap((m) => m.alerts.filter((a) => a.section === 'Firing'));
    return expected.every(([rule, c]) => firing.some((a) => a.rule === rule && a.container === c));
  };
  // Whatever misses the first digest waits for the group's next interval (5 m).
  await waitFor('every fault in a mail', seenAll, 420_000, 250);

  const ours = new Set(expected.map(([, c]) => c));
  const withOurs = mails().filter((m) =>
    m.alerts.some((a) => a.section === 'Firing' && ours.has(a.container ?? '')),
  );
  console.log(
    [
      `digest (run ${runId}, ${((Date.now() - t0) / 1000).toFixed(0)} s): ${rig.smtp!.inbox.length} mails, ${withOurs.length} with this run's firing alerts`,
      ...withOurs.map(
        (m) =>
          `  +${((m.at - opened) / 1000).toFixed(1)} s after the faults: "${m.subject}": ${m.alerts
            .filter((a) => ours.has(a.container ?? ''))
            .map((a) => `${a.section} ${a.rule} ${a.container}`)
            .join('; ')}${m.muted.length ? `; muted: ${m.muted.join(' | ')}` : ''}`,
      ),
    ].join('\n'),
  );

  expect(withOurs.length).toBeLessThan(expected.length);
  expect(withOurs.length).toBeLessThanOrEqual(2);
  const most = Math.max(...withOurs.map((m) => m.alerts.filter((a) => ours.has(a.container ?? '')).length));
  expect(most).toBeGreaterThanOrEqual(2);
  for (const m of withOurs)
    for (const a of m.alerts.filter((x) => ours.has(x.container ?? ''))) {
      expect({ alert: `${a.rule} ${a.container}`, dashboard: a.links.Dashboard }).toEqual({
        alert: `${a.rule} ${a.container}`,
        dashboard: expect.stringContaining(a.container!),
      });
      expect({ alert: `${a.rule} ${a.container}`, logs: a.links.Logs }).toEqual({
        alert: `${a.rule} ${a.container}`,
        logs: expect.stringContaining(a.container!),
      });
    }
}, 900_000);
