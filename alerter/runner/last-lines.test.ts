import type { ContainerMeta, LifecycleEvent, LogEvent } from '../../core/events';
import { firing, makeAlert, resolved, T0 } from '../../test/notify/fixtures';
import { LastLines, LINES, MAX_LINE_CHARS } from './last-lines';

const meta = (name: string): ContainerMeta => ({
  id: `id-${name}`,
  name,
  image: 'busybox',
  labels: {},
  service: name,
});
const line = (name: string, message: string, host = 'h1'): LogEvent => ({
  kind: 'log',
  host,
  ts: T0,
  container: meta(name),
  stream: 'stdout',
  message,
  time: '',
  id: message,
});
const die = (name: string, exitCode: number, extra: Partial<LifecycleEvent> = {}): LifecycleEvent => ({
  kind: 'lifecycle',
  host: 'h1',
  ts: T0,
  action: 'die',
  container: meta(name),
  exitCode,
  ...extra,
});
const crash = makeAlert({
  key: 'crash',
  kind: 'lifecycle',
  labels: { host: 'h1', container: 'web' },
  lastLines: undefined,
});

test('a firing lifecycle alert carries the last 50 lines (cut long) and the exit of its last death', () => {
  const ll = new LastLines();
  const many = Array.from({ length: LINES + 10 }, (_, i) => line('web', `line ${i}`));
  ll.observe([...many, line('other', 'not mine'), line('web', 'x'.repeat(MAX_LINE_CHARS + 50))]);
  ll.observe([die('web', 3), die('web', 2, { oomKilled: true, restartCount: 5 })]);
  const [t] = ll.attach([firing(crash)]);
  expect(t!.alert.lastLines).toHaveLength(LINES);
  expect(t!.alert.lastLines![0]).toBe('line 11');
  expect(t!.alert.lastLines!.at(-1)).toBe(`${'x'.repeat(MAX_LINE_CHARS)}…`);
  expect(t!.alert.death).toEqual({ exitCode: 2, oomKilled: true, deaths: 2, restartCount: 5, at: T0 });
});

test('lines are frozen at the firing: the resolve shows them, not what came after', () => {
  const ll = new LastLines();
  ll.observe([line('web', 'panic: boom'), die('web', 1)]);
  ll.attach([firing(crash)]);
  ll.observe([line('web', 'started again')]);
  const [r] = ll.attach([resolved(crash, T0 + 60_000)]);
  expect(r!.alert.lastLines).toEqual(['panic: boom']);
  // After the resolve, the next firing takes a fresh snapshot.
  expect(ll.attach([firing(crash)])[0]!.alert.lastLines).toEqual(['panic: boom', 'started again']);
});

test.each([
  ['a threshold alert', makeAlert({ kind: 'threshold', lastLines: ['matched'] }), ['matched']],
  [
    'a lifecycle alert on another host',
    makeAlert({ kind: 'lifecycle', labels: { host: 'h2', container: 'web' }, lastLines: undefined }),
    undefined,
  ],
])('%s is left as it is', (_n, alert, want) => {
  const ll = new LastLines();
  ll.observe([line('web', 'mine')]);
  expect(ll.attach([firing(alert)])[0]!.alert.lastLines).toEqual(want);
});

test('lines carried by the die win over a ring the log stream has not filled; late copies are dropped', () => {
  const ll = new LastLines();
  ll.observe([line('web', 'older run')]);
  ll.observe([die('web', 1, { ts: T0 + 1_000, lastLines: ['older run', 'boot', 'fatal: once'] })]);
  // The same lines reach the alerter after the die, through the log stream.
  ll.observe([
    { ...line('web', 'boot'), ts: T0 + 900 },
    { ...line('web', 'fatal: once'), ts: T0 + 999 },
  ]);
  const [t] = ll.attach([firing(crash)]);
  expect(t!.alert.lastLines).toEqual(['older run', 'boot', 'fatal: once']);
  // A line the restarted container prints later is newer than the die: kept for the next time.
  ll.observe([{ ...line('web', 'restarted'), ts: T0 + 2_000 }]);
  ll.attach([resolved(crash, T0 + 60_000)]);
  expect(ll.attach([firing(crash)])[0]!.alert.lastLines).toEqual([
    'older run',
    'boot',
    'fatal: once',
    'restarted',
  ]);
});
