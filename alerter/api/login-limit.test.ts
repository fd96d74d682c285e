/**
 * The wrong-token limit at /login: the table on a manual clock, then over a real listener (its
 * own, so the other login tests' wrong tokens do not count here).
 */
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { notifyConfigSchema } from '../notify/config';
import { clientKey, createLoginLimit, MAX_FAILURES, WINDOW_MS } from './login-limit';
import { startAlerterApi } from './server';

test.each([
  ['127.0.0.1', '127.0.0.1'],
  ['::ffff:10.0.0.7', '10.0.0.7'],
  ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
  ['2001:db8:1:2:bbbb:cccc:dddd:eeee', '2001:db8:1:2::/64'],
  ['2001:DB8:0001::5', '2001:db8:1:0::/64'],
  ['::1', '0:0:0:0::/64'],
  ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  [undefined, 'unknown'],
])('client %s counts as %s', (address, key) => {
  expect(clientKey(address)).toBe(key);
});

test('10 wrong tokens in a minute, then a wait until the minute from the first one is over', () => {
  const clock = new ManualClock(1_000_000);
  const limit = createLoginLimit(() => clock.now());
  for (let i = 0; i < MAX_FAILURES - 1; i++) {
    limit.failed('10.0.0.1');
    clock.advance(1000);
  }
  expect(limit.retryAfter('10.0.0.1')).toBe(0);
  limit.failed('10.0.0.1');
  // The first failure was 9 s ago: 51 s of the window are left.
  expect(limit.retryAfter('10.0.0.1')).toBe(51);
  // Another address is not held up.
  expect(limit.retryAfter('10.0.0.2')).toBe(0);
  clock.advance(50_500);
  expect(limit.retryAfter('10.0.0.1')).toBe(1);
  clock.advance(500);
  expect(limit.retryAfter('10.0.0.1')).toBe(0);
  // A new window starts with the next failure.
  limit.failed('10.0.0.1');
  expect(limit.retryAfter('10.0.0.1')).toBe(0);
});

test('the table stays bounded: lapsed addresses go first, then the oldest', () => {
  const clock = new ManualClock(0);
  const limit = createLoginLimit(() => clock.now(), 100);
  for (let i = 0; i < 100; i++) limit.failed(`10.0.${i >> 8}.${i & 255}`);
  expect(limit.size()).toBe(100);
  clock.advance(WINDOW_MS);
  for (let i = 0; i < 1000; i++) limit.failed(`10.1.${i >> 8}.${i & 255}`);
  expect(limit.size()).toBeLessThanOrEqual(100);
  // The limit still holds for an address that arrived after the evictions.
  for (let i = 0; i < MAX_FAILURES; i++) limit.failed('192.0.2.1');
  expect(limit.retryAfter('192.0.2.1')).toBeGreaterThan(0);
});

test('over HTTP: the 11th wrong token gets 429 with Retry-After; right tokens never count', async () => {
  process.env.T_LIMIT_TOKEN = 'limit-test-token-0123456789';
  const store = StateStore.open(':memory:');
  const cfg = notifyConfigSchema.parse({
    api: { listen: '127.0.0.1:0', token: { env: 'T_LIMIT_TOKEN' }, reads: 'token' },
  }).api;
  const api = await startAlerterApi({
    store,
    clock: new ManualClock(0),
    logger: silentLogger(),
    config: cfg,
  });
  const base = `http://127.0.0.1:${api.address().port}`;
  const login = (token: string) =>
    fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ token, next: '/alerts' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    });
  try {
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await login(`guess-${i}`)).status).toBe(401);
    // Right tokens between the guesses: each logs in, and none is counted.
    for (let i = 0; i < 5; i++) expect((await login(process.env.T_LIMIT_TOKEN)).status).toBe(303);
    expect((await login('guess-last')).status).toBe(401);
    const held = await login('guess-more');
    expect(held.status).toBe(429);
    const wait = Number(held.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await held.text()).toContain('Too many wrong tokens from your address');
    // While held, the right token waits too: a different answer would confirm a guess.
    expect((await login(process.env.T_LIMIT_TOKEN)).status).toBe(429);
  } finally {
    await api.close();
    store.close();
  }
});
