/**
 * The fault suite's scoring on synthetic PagerDuty event lists: a clean run scores clean, and
 * each failure kind (miss, hidden, duplicate, false page, slow, early resolve, no resolve,
 * payload) is detected.
 */
import type { PdEvent, PdMember } from './pd';
import { fromStandin, triggersOf } from './pd';
import { score, type Fault, type FailureKind } from './score';

const T = 1_800_000_000_000;
const links = (c: string) => [
  { text: 'Dashboard', href: `http://g/d?var-container=${c}` },
  { text: 'Logs', href: `http://k/discover?q=container.name:"${c}"` },
  { text: 'Why this page', href: `http://a/api/v1/alerts/k-${c}/decisions` },
];
function trig(rule: string, c: string, at: number, o: Partial<PdEvent> = {}): PdEvent {
  return {
    at: T + at,
    action: 'trigger',
    key: `${rule}/${c}`,
    rule,
    component: c,
    labels: { host: 'h', container: c },
    firedAt: T + at - 3000,
    affected: 1,
    links: links(c),
    members: [],
    related: [],
    ...o,
  };
}
const resolve = (key: string, at: number): PdEvent => ({
  at: T + at,
  action: 'resolve',
  key,
  links: [],
  members: [],
  related: [],
});
const member = (rule: string, c: string): PdMember => ({
  rule,
  container: c,
  labels: { host: 'h', container: c },
  links: { dashboard: `http://g/${c}`, logs: `http://k/${c}` },
});

const faults: Fault[] = [
  { name: 'crash loop', container: 'crash', rule: 'container_crash_loop' },
  {
    name: 'cpu hog',
    container: 'hog',
    rule: 'container_high_cpu',
    recoveredAt: T + 90_000,
    expectResolve: true,
  },
];
const clean = (): PdEvent[] => [
  trig('container_crash_loop', 'crash', 5_000, {
    related: [
      { rule: 'container_oom_killed', container: 'crash', reason: 'crash loop supersedes down and OOM' },
    ],
  }),
  trig('container_high_cpu', 'hog', 60_000),
  // An update on the open key notifies nobody.
  trig('container_crash_loop', 'crash', 40_000),
  resolve('container_high_cpu/hog', 120_000),
];
const input = (events: PdEvent[]) => ({
  faults,
  quiet: ['job', 'stopped'],
  events,
  maxNotifyMs: 15_000,
  resolveWithinMs: 120_000,
});
const kinds = (events: PdEvent[]): FailureKind[] => score(input(events)).failures.map((f) => f.kind);

test('a clean run: each fault notified once under its own key, the hog resolved after it stopped', () => {
  const s = score(input(clean()));
  expect(s.failures).toEqual([]);
  expect(s.rows).toEqual([
    expect.objectContaining({
      fault: 'crash loop',
      notified: true,
      via: 'own key',
      notifyMs: 3000,
      notifications: 1,
      resolved: 'n/a',
    }),
    expect.objectContaining({
      fault: 'cpu hog',
      notified: true,
      notifyMs: 3000,
      notifications: 1,
      resolved: 'yes +30.0s',
    }),
  ]);
  expect(s.table).toContain('| crash loop');
  expect(s.table).toContain('failures: none');
});

test('a notification is a trigger on a key with no open alert; after a resolve the key notifies again', () => {
  const t = triggersOf([trig('r', 'c', 0), trig('r', 'c', 1000), resolve('r/c', 2000), trig('r', 'c', 3000)]);
  expect(t.map((x) => x.notified)).toEqual([true, false, true]);
});

test('miss: no trigger tells the fault', () => {
  expect(kinds(clean().filter((e) => e.component !== 'hog' && e.key !== 'container_high_cpu/hog'))).toEqual([
    'miss',
  ]);
});

test('hidden: told only as an update of an open key (a host group), or only muted on another page', () => {
  const grouped = [
    trig('container_crash_loop', 'crash', 5_000, { key: 'host-h' }),
    trig('container_crash_loop', 'crash', 60_000, {
      key: 'host-h',
      members: [member('container_crash_loop', 'crash'), member('container_high_cpu', 'hog')],
    }),
  ];
  expect(kinds(grouped)).toContain('hidden');
  expect(score(input(grouped)).rows[1]).toMatchObject({ notified: false, via: 'update only' });
  const mutedOnly = [
    trig('container_crash_loop', 'crash', 5_000, {
      related: [{ rule: 'container_high_cpu', container: 'hog' }],
    }),
  ];
  expect(score(input(mutedOnly)).rows[1]).toMatchObject({ notified: false, via: 'muted only' });
});

test('an aggregate that opens a new key listing the fault counts as its notification', () => {
  const events = [
    trig('container_crash_loop', 'crash', 5_000),
    trig('container_high_cpu', 'other', 60_000),
    trig('container_high_cpu', 'other', 61_000, {
      key: 'agg-cpu',
      affected: 2,
      members: [member('container_high_cpu', 'other'), member('container_high_cpu', 'hog')],
    }),
    resolve('agg-cpu', 120_000),
  ];
  const s = score(input(events));
  expect(s.rows[1]).toMatchObject({ notified: true, via: 'aggregate', notifications: 1 });
  expect(s.failures).toEqual([]);
  expect(s.foreign).toBe(1);
});

test('duplicate: a crash loop and a separate container_down notification for the same container', () => {
  const events = [...clean(), trig('container_down', 'crash', 100_000)];
  expect(kinds(events)).toEqual(['duplicate']);
  // Re-notifying the same alert after an early resolve is one problem told twice, too.
  const again = [
    ...clean(),
    resolve('container_crash_loop/crash', 50_000),
    trig('container_crash_loop', 'crash', 70_000),
  ];
  expect(kinds(again)).toEqual(expect.arrayContaining(['duplicate', 'early resolve']));
});

test('false page: any trigger (notification or update) naming a quiet container', () => {
  const events = [
    ...clean(),
    trig('container_down', 'job', 20_000),
    trig('container_crash_loop', 'crash', 30_000, { members: [member('container_crash_loop', 'stopped')] }),
  ];
  const s = score(input(events));
  expect(s.failures.filter((f) => f.kind === 'false page').map((f) => f.subject)).toEqual(['job', 'stopped']);
});

test('slow: notified more than maxNotifyMs after the alert fired', () => {
  const events = clean().map((e) => (e.component === 'hog' ? { ...e, firedAt: e.at - 40_000 } : e));
  expect(kinds(events)).toEqual(['slow']);
  expect(score(input(events)).rows[1]!.notifyMs).toBe(40_000);
});

test('early resolve: a resolve while the fault still goes on (or before its recovery)', () => {
  expect(kinds([...clean(), resolve('container_crash_loop/crash', 45_000)])).toEqual(['early resolve']);
  const hogEarly = clean().map((e) => (e.action === 'resolve' ? { ...e, at: T + 80_000 } : e));
  expect(kinds(hogEarly)).toEqual(['early resolve']);
});

test('no resolve: recovery without a resolve, or one later than resolveWithinMs', () => {
  expect(kinds(clean().filter((e) => e.action !== 'resolve'))).toEqual(['no resolve']);
  const late = clean().map((e) => (e.action === 'resolve' ? { ...e, at: T + 400_000 } : e));
  expect(kinds(late)).toEqual(['no resolve']);
});

test('payload: class, component, affected and links must be the alert’s own', () => {
  const bad = clean().map((e) =>
    e.component === 'hog' && e.action === 'trigger' ? { ...e, links: links('crash'), affected: 3 } : e,
  );
  const s = score(input(bad));
  expect(s.failures.map((f) => f.kind)).toEqual(['payload', 'payload', 'payload']);
  expect(s.failures.map((f) => f.detail).join('; ')).toMatch(
    /affected 3 on a single alert.*Dashboard link.*Logs link/,
  );
});

test('fromStandin reads what lookout sends', () => {
  const e = fromStandin({
    at: T,
    body: {
      event_action: 'trigger',
      dedup_key: 'k1',
      payload: {
        class: 'container_crash_loop',
        component: 'crash',
        timestamp: new Date(T - 2000).toISOString(),
        custom_details: {
          labels: { host: 'h', container: 'crash' },
          affected: 1,
          fired_at: new Date(T - 1000).toISOString(),
          related: [{ rule: 'container_down', labels: { container: 'crash' }, muted_because: 'x' }],
        },
      },
      links: links('crash'),
    },
  });
  expect(e).toMatchObject({
    key: 'k1',
    rule: 'container_crash_loop',
    component: 'crash',
    firedAt: T - 1000,
    affected: 1,
  });
  expect(e.related).toEqual([{ rule: 'container_down', container: 'crash', reason: 'x' }]);
});
