/**
 * The login form and the session cookie over a real listener whose reads need the token: what a
 * browser without a bearer header gets, what the cookie opens, and what it does not (a write
 * from another origin, a forged or stale cookie). The browser suite drives the same in chromium.
 */
import { ManualClock } from '../../../core/clock';
import { Secret } from '../../../core/config/types';
import { silentLogger } from '../../../core/logger';
import { StateStore } from '../../../core/store/store';
import { notifyConfigSchema } from '../../notify/config';
import { startAlerterApi, type AlerterApi } from '../server';
import { SESSION_COOKIE, SESSION_MS, sessionValue } from '../session';
import { safeNext } from './login';

const TOKEN = 'login-test-token-0123456789';
process.env.T_LOGIN_TOKEN = TOKEN;
const store = StateStore.open(':memory:');
let api: AlerterApi;
let base = '';

beforeAll(async () => {
  const cfg = notifyConfigSchema.parse({
    api: { listen: '127.0.0.1:0', token: { env: 'T_LOGIN_TOKEN' }, reads: 'token' },
  }).api;
  api = await startAlerterApi({ store, clock: new ManualClock(0), logger: silentLogger(), config: cfg });
  base = `http://127.0.0.1:${api.address().port}`;
});
afterAll(async () => {
  await api.close();
  store.close();
});

const req = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  fetch(`${base}${path}`, { redirect: 'manual', ...init });
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  req('/login', {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...headers },
  });

async function loggedIn(): Promise<string> {
  const res = await form({ token: TOKEN, next: '/alerts/k1?x=1' });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

test('a page without a session sends the browser to the login form, with where it was going', async () => {
  const res = await req('/alerts/k1?x=1');
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/login?next=%2Falerts%2Fk1%3Fx%3D1');
  const login = await req(res.headers.get('location')!);
  expect(login.status).toBe(200);
  const html = await login.text();
  expect(html).toContain('<form method="post" action="/login"');
  expect(html).toContain('name="next" value="/alerts/k1?x=1"');
  // The JSON API still answers 401, not a redirect.
  expect((await req('/api/v1/alerts')).status).toBe(401);
});

test('the right token sets an HttpOnly, SameSite=Strict cookie that holds no token', async () => {
  const res = await form({ token: TOKEN, next: '/alerts/k1?x=1' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/alerts/k1?x=1');
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(
    new RegExp(`^${SESSION_COOKIE}=\\d+\\.[\\w-]{43}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict$`),
  );
  expect(cookie).not.toContain(TOKEN);
  // Behind a TLS proxy the cookie is Secure.
  const tls = await form(
    { token: TOKEN },
    { 'x-forwarded-proto': 'https', origin: base.replace('http:', 'https:') },
  );
  expect(tls.headers.get('set-cookie')).toMatch(/; Secure$/);
});

test.each<[string, Record<string, string>, Record<string, string>, number, string]>([
  ['a wrong token', { token: 'nope' }, {}, 401, 'Wrong token.'],
  ['a token of the wrong length', { token: `${TOKEN}x` }, {}, 401, 'Wrong token.'],
  [
    'a form posted from another site',
    { token: TOKEN },
    { origin: 'http://evil.example' },
    403,
    'another site',
  ],
])('%s sets no cookie', async (_what, fields, headers, status, problem) => {
  const res = await form(fields, headers);
  expect(res.status).toBe(status);
  expect(res.headers.get('set-cookie')).toBeNull();
  expect(await res.text()).toContain(problem);
});

test('the cookie opens the pages and the JSON reads', async () => {
  const cookie = await loggedIn();
  for (const path of ['/alerts', '/silences', '/api/v1/alerts', '/api/v1/silences'])
    expect([path, (await req(path, { headers: { cookie } })).status]).toEqual([path, 200]);
});

test('a write on the cookie must come from this listener (Origin); the bearer token needs none', async () => {
  const cookie = await loggedIn();
  const body = JSON.stringify({ matchers: ['rule=x'], for: '1h', comment: 'from the UI' });
  const post = (headers: Record<string, string>) =>
    req('/api/v1/silences', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  expect((await post({ cookie })).status).toBe(403);
  expect((await post({ cookie, origin: 'http://evil.example' })).status).toBe(403);
  expect((await post({ cookie, origin: 'null', 'sec-fetch-site': 'same-site' })).status).toBe(403);
  expect((await post({ cookie, origin: base })).status).toBe(200);
  expect((await post({ cookie, origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  expect((await post({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  expect((await post({ origin: base })).status).toBe(401);
});

test.each([
  ['forged', () => `${SESSION_COOKIE}=${Date.now()}.${'A'.repeat(43)}`],
  ['made with another token', () => `${SESSION_COOKIE}=${sessionValue(new Secret('other'), Date.now())}`],
  [
    'older than the session lifetime',
    () => `${SESSION_COOKIE}=${sessionValue(new Secret(TOKEN), Date.now() - SESSION_MS - 1000)}`,
  ],
  [
    'issued in the future',
    () => `${SESSION_COOKIE}=${sessionValue(new Secret(TOKEN), Date.now() + 3_600_000)}`,
  ],
])('a cookie %s opens nothing', async (_what, cookie) => {
  expect((await req('/api/v1/alerts', { headers: { cookie: cookie() } })).status).toBe(401);
  expect((await req('/alerts', { headers: { cookie: cookie() } })).status).toBe(303);
});

test('log out clears the cookie', async () => {
  const res = await req('/logout', { method: 'POST', headers: { origin: base } });
  expect(res.status).toBe(303);
  expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0;`));
});

test.each([
  ['/alerts/k1', '/alerts/k1'],
  ['//evil.example/x', '/alerts'],
  ['/\\evil.example', '/alerts'],
  ['https://evil.example', '/alerts'],
  [null, '/alerts'],
])('next %s goes to %s', (next, want) => expect(safeNext(next)).toBe(want));
