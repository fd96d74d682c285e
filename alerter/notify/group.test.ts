import { decide, type GroupState, type GroupNow } from './group';

const t = { groupWait: 30_000, groupInterval: 300_000, repeatInterval: 4 * 3_600_000 };
const base: GroupState = {
  id: 'g',
  route: '0',
  receiver: 'r',
  labels: { host: 'h' },
  fingerprint: '',
  members: [],
  seen: [],
};
const now = (firing: string[], extra: Partial<GroupNow> = {}): GroupNow => ({
  firing,
  mutedMembers: [],
  flashed: [],
  acked: false,
  ...extra,
});

describe('when a group speaks', () => {
  test.each<[string, GroupState, GroupNow, number, string]>([
    ['new group waits group_wait', base, now(['a']), 0, 'wait'],
    ['first notification after group_wait', { ...base, firstAt: 0 }, now(['a', 'b']), 30_000, 'flush:first'],
    ['still waiting just before group_wait', { ...base, firstAt: 0 }, now(['a']), 29_999, 'wait'],
    ['nothing firing before any notification: dropped', { ...base, firstAt: 0 }, now([]), 10, 'drop'],
    [
      'a change waits for group_interval',
      { ...base, firstAt: 0, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now(['a', 'b']),
      299_999,
      'wait',
    ],
    [
      'a change goes out after group_interval',
      { ...base, firstAt: 0, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now(['a', 'b']),
      300_000,
      'flush:update',
    ],
    [
      'no change: quiet until repeat_interval',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now(['a']),
      3_600_000,
      'wait',
    ],
    [
      'no change: repeat after repeat_interval',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now(['a']),
      4 * 3_600_000,
      'flush:repeat',
    ],
    [
      'acknowledged: no repeat',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now(['a'], { acked: true }),
      5 * 3_600_000,
      'wait',
    ],
    [
      'all resolved: resolve at once, no timer',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now([]),
      1,
      'flush:resolve',
    ],
    [
      'silenced after the page: quiet, not resolved',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now([], { mutedMembers: ['a'] }),
      1,
      'wait',
    ],
    [
      'becoming flapping is announced once (fingerprint changes)',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'] },
      now(['a~']),
      300_000,
      'flush:update',
    ],
    [
      'fired and resolved before the first notification: told at once',
      { ...base, firstAt: 0, seen: ['a'] },
      now([], { flashed: ['a'] }),
      10,
      'flush:first',
    ],
    [
      'fired and resolved between two updates: news after group_interval',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'], seen: ['b'] },
      now(['a'], { flashed: ['b'] }),
      300_000,
      'flush:update',
    ],
    [
      'fired and resolved between two updates: not before group_interval',
      { ...base, lastFlushAt: 0, fingerprint: 'a', members: ['a'], seen: ['b'] },
      now(['a'], { flashed: ['b'] }),
      299_999,
      'wait',
    ],
  ])('%s', (_name, state, n, at, want) => {
    const d = decide(state, n, t, at);
    expect(d.action === 'flush' ? `flush:${d.reason}` : d.action).toBe(want);
  });
});
