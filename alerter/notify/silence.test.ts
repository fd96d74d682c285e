import { ManualClock } from '../../core/clock';
import { StateStore } from '../../core/store/store';
import { addSilence, activeSilences, expireSilence, listSilences, silencing } from './silence';
import { parseMatcher } from './matchers';

const clock = new ManualClock(1_000_000);

test('add, match, list, expire (by id prefix)', () => {
  const store = StateStore.open(':memory:');
  const s = addSilence(
    store,
    { matchers: ['service=web', 'host=~h[0-9]+'], for: '30m', comment: 'deploy', createdBy: 'ana' },
    clock,
  );
  expect(silencing(activeSilences(store, clock.now()), { service: 'web', host: 'h12' })?.id).toBe(s.id);
  expect(silencing(activeSilences(store, clock.now()), { service: 'web', host: 'db' })).toBeUndefined();
  expect(
    silencing(activeSilences(store, clock.now() + 30 * 60_000), { service: 'web', host: 'h1' }),
  ).toBeUndefined();
  expect(listSilences(store, clock)).toHaveLength(1);
  expireSilence(store, s.id.slice(0, 8), clock);
  expect(listSilences(store, clock)).toHaveLength(0);
  expect(listSilences(store, clock, { all: true })).toHaveLength(1);
});

test.each([
  [{ matchers: [], for: '30m', comment: 'x' }, /at least one matcher/],
  [{ matchers: ['service=web'], comment: 'x' }, /needs an end/],
  [{ matchers: ['service=web'], for: '30m', comment: ' ' }, /comment/],
  [{ matchers: ['service'], for: '30m', comment: 'x' }, /not a matcher/],
  [{ matchers: ['a=~('], for: '30m', comment: 'x' }, /not a regular expression/],
  [{ matchers: ['a=~.*'], for: '30m', comment: 'x' }, /every alert/],
])('refuses %j', (input, msg) => {
  expect(() => addSilence(StateStore.open(':memory:'), input, clock)).toThrow(msg);
});

test.each([
  ['service=web', { name: 'service', op: '=', value: 'web' }],
  ['host != db1', { name: 'host', op: '!=', value: 'db1' }],
  ['container=~"web-.*"', { name: 'container', op: '=~', value: 'web-.*' }],
  ['x!~a|b', { name: 'x', op: '!~', value: 'a|b' }],
])('parses %s', (text, want) => expect(parseMatcher(text)).toEqual(want));
