import { GroupMembership, membershipsCheck } from './membership';

const T = { session_timeout: 6_000, rebalance_timeout: 10_000 }; // budget 16 s

function tracker(partitions = 6) {
  let now = 1_000_000;
  const m = new GroupMembership(
    'g.alerter',
    T,
    () => partitions,
    () => now,
  );
  return { m, advance: (ms: number) => (now += ms) };
}

test('never joined: healthy within the budget, then unhealthy with the last error', () => {
  const { m, advance } = tracker();
  advance(15_000);
  expect(m.check()).toMatchObject({ ok: true, detail: 'consumer not in group g.alerter for 15 s' });
  m.failed('Group authorization failed');
  m.left(); // a failed start that is retried does not restart the clock
  advance(2_000);
  expect(m.check()).toEqual({
    ok: false,
    detail: 'consumer not in group g.alerter for 17 s (last error: Group authorization failed)',
  });
});

test('joined with partitions: healthy while heartbeats come; silent past the budget: unhealthy', () => {
  const { m, advance } = tracker();
  m.joined(3);
  for (let i = 0; i < 10; i++) {
    advance(3_000);
    m.alive();
    expect(m.check()).toEqual({ ok: true });
  }
  advance(6_001); // a whole session without a heartbeat: the broker has evicted it
  expect(m.check().ok).toBe(true);
  expect(m.check().detail).toMatch(/has had no heartbeat for 6 s/);
  advance(10_000);
  expect(m.check()).toMatchObject({ ok: false });
  m.joined(2);
  expect(m.check()).toEqual({ ok: true });
});

test.each([
  [
    'more members than partitions: a standby',
    7,
    6,
    true,
    /standby in group g.alerter: 7 members for 6 partitions/,
  ],
  [
    'no more members than partitions: a fault',
    3,
    6,
    false,
    /no partitions assigned .* for 17 s \(6 partitions, 3 members\)/,
  ],
  ['group size unknown: a fault', undefined, 6, false, /\(6 partitions, unknown members\)/],
] as const)('an empty hand for 17 s, %s', (_what, members, partitions, ok, detail) => {
  const { m, advance } = tracker(partitions);
  m.joined(0);
  m.groupSize(m.joins, members);
  advance(17_000);
  m.alive();
  expect(m.check()).toMatchObject({ ok, detail: expect.stringMatching(detail) as unknown });
});

test('a late group size is not applied to a newer join', () => {
  const { m, advance } = tracker(1);
  m.joined(0);
  const first = m.joins;
  m.joined(0);
  m.groupSize(first, 5);
  advance(17_000);
  m.alive();
  expect(m.check().ok).toBe(false);
});

test('a purposeful stop while in the group starts the clock again', () => {
  const { m, advance } = tracker();
  advance(60_000);
  m.joined(6);
  m.left();
  advance(10_000);
  expect(m.check()).toMatchObject({ ok: true, detail: 'consumer not in group g.alerter for 10 s' });
});

test('the process check: every group named, one unhealthy group makes it unhealthy', () => {
  const a = tracker();
  const b = tracker();
  a.m.joined(6);
  b.advance(20_000);
  expect(membershipsCheck(() => [a.m, b.m])()).toEqual({
    ok: false,
    detail: 'consumer not in group g.alerter for 20 s',
  });
  expect(membershipsCheck(() => [])()).toEqual({ ok: false, detail: 'no consumer subscribed' });
});
