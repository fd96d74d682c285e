/**
 * Issue 11, point 3 (storms stay quiet), on the real rig: 20 containers of one compose service
 * (`com.docker.compose.project=<p>`, `com.docker.compose.service=web`) start crash-looping within
 * a minute, as after a bad deploy. With the README's minimal setup (one PagerDuty receiver, the
 * default rules, no group/route/aggregate keys, default collector timings) the on-call gets at
 * most 2 notifications for them, each saying how many are affected; the rest are updates under
 * the aggregate's dedup_key, the last one counting more than 2, each member with its own links.
 * A notification is a trigger on a dedup_key with no open alert at the stand-in (pd.ts).
 */
import { newRunId, runContainer, waitFor } from '../support/docker';
import { containersNamed, triggersOf, type PdTrigger } from './support/pd';
import { engineOf, startRig, type Rig } from './support/rig';

const runId = newRunId('s11');
const project = `p${runId}`;
const names = Array.from({ length: 20 }, (_, i) => `web-${i + 1}-${runId}`);
const storm = new Set(names);
let rig: Rig;
const t0 = Date.now();

beforeAll(async () => {
  rig = await startRig({ runId, receiver: 'pagerduty' });
}, 180_000);

afterAll(async () => {
  await rig?.close();
});

const stormTriggers = (): PdTrigger[] =>
  triggersOf(rig.pdEvents()).filter((t) => [...containersNamed(t)].some((c) => storm.has(c)));
const lastAffected = () => stormTriggers().at(-1)?.affected ?? 0;

test('20 crash-looping containers of one compose service make at most 2 notifications', async () => {
  const started = Date.now();
  for (const name of names)
    await runContainer({
      runId,
      name,
      args: [
        '--restart',
        'on-failure',
        '--label',
        `com.docker.compose.project=${project}`,
        '--label',
        'com.docker.compose.service=web',
      ],
      cmd: ['sh', '-c', 'sleep 1; exit 3'],
    });
  // Reported below, not asserted: starting 20 containers took up to 61 s on these machines, and
  // the notifications are judged by the engine's record, whatever the start took.
  const allStarted = Date.now() - started;

  // The engine's record: every one of them is crash-looping (3 deaths).
  await waitFor('3 deaths each', () => names.every((n) => engineOf(rig, n, 'die').length >= 3), 180_000, 500);
  const loopingAt = Date.now();
  await waitFor('a notification', () => stormTriggers().length > 0, 120_000, 500);
  await waitFor('an update counting more than 2', () => lastAffected() > 2, 180_000, 500);
  // The count keeps growing with each aggregate update (every 30 s by default); it need not
  // reach 20 (the collector may lose a simultaneous die), so this wait may end at its deadline.
  await waitFor('the count to reach 20', () => lastAffected() >= 20, 120_000, 1000).catch(() => undefined);
  // Observe on until the restart backoff left one dead for 45 s: container_down (for: 30s) fired
  // behind each crash loop by then, and must not have become a notification.
  await waitFor(
    'a member down for 45 s',
    () =>
      names.some((n) => {
        const ev = engineOf(rig, n).filter((e) => e.action === 'die' || e.action === 'start');
        return ev.some((e, i) => e.action === 'die' && (ev[i + 1]?.at ?? Date.now()) - e.at >= 45_000);
      }),
    300_000,
    1000,
  );

  const all = stormTriggers();
  const notifications = all.filter((t) => t.notified);
  const last = all.at(-1)!;
  console.log(
    [
      `storm (run ${runId}): 20 started in ${(allStarted / 1000).toFixed(1)} s, all looping ${((loopingAt - started) / 1000).toFixed(0)} s after the first, test ${((Date.now() - t0) / 1000).toFixed(0)} s`,
      `${all.length} triggers naming them, ${notifications.length} notifications:`,
      ...notifications.map(
        (t) =>
          `  +${((t.at - started) / 1000).toFixed(1)} s  key ${t.key.slice(0, 12)}  affected ${t.affected}  ${t.summary}`,
      ),
      `last trigger: +${((last.at - started) / 1000).toFixed(1)} s key ${last.key.slice(0, 12)} affected ${last.affected} members ${last.members.length}`,
      `updates per key: ${JSON.stringify(Object.fromEntries([...new Set(all.map((t) => t.key))].map((k) => [k.slice(0, 12), all.filter((t) => t.key === k).length])))}`,
    ].join('\n'),
  );

  expect(notifications.length).toBeGreaterThanOrEqual(1);
  expect(notifications.length).toBeLessThanOrEqual(2);
  for (const t of notifications) expect(t.affected).toBeGreaterThanOrEqual(1);
  expect(last.affected).toBeGreaterThan(2);
  // Updates ride on the last notification's key (the aggregate): a later key would have notified.
  expect(last.key).toBe(notifications.at(-1)!.key);
  // Each member listed on the aggregate carries its own container's links.
  const listed = last.members.filter((m) => m.container && storm.has(m.container));
  expect(listed.length).toBeGreaterThan(2);
  for (const m of listed) {
    expect(m.links.dashboard).toContain(m.container);
    expect(m.links.logs).toContain(m.container);
  }
  // No resolve for a storm key while they all still loop.
  const keys = new Set(all.map((t) => t.key));
  expect(rig.pdEvents().filter((e) => e.action === 'resolve' && keys.has(e.key))).toEqual([]);
}, 900_000);
