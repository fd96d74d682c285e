import { notifyConfigSchema } from '../notify/config';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { startAlerterApi, type AlerterApi } from './server';

process.env.T_API_TOKEN = 'api-token-for-tests-0123456789';
const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));

async function start(withToken: boolean): Promise<{ api: AlerterApi; store: StateStore; url: string }> {
  const store = StateStore.open(':memory:');
  const cfg = notifyConfigSchema.parse({
    api: { listen: '127.0.0.1:0', ...(withToken ? { token: { env: 'T_API_TOKEN' } } : {}) },
  }).api;
  const api = await startAlerterApi({ store, clock, logger: silentLogger(), config: cfg });
  return { api, store, url: `http://127.0.0.1:${api.address().port}` };
}

const post = (url: string, body: object, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

test('listens on loopback by default', () => {
  expect(notifyConfigSchema.parse({}).api.listen).toEqual({ host: '127.0.0.1', port: 9465 });
});

describe('with a token', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => (s = await start(true)));
  afterAll(async () => {
    await s.api.close();
    s.store.close();
  });

  test('binds to 127.0.0.1', () => expect(s.api.address().host).toBe('127.0.0.1'));

  test.each([
    ['no token', undefined, 401],
    ['a wrong token', 'nope', 401],
    ['a token of the right length but wrong', 'x'.repeat(30), 401],
  ])('refuses a write with %s', async (_n, token, status) => {
    const res = await post(
      `${s.url}/api/v1/silences`,
      { matchers: ['service=web'], for: '30m', comment: 'deploy' },
      token,
    );
    expect(res.status).toBe(status);
    expect(await (await fetch(`${s.url}/api/v1/silences`)).json()).toEqual([]);
  });

  test('takes a write with the token: add, list, expire a silence; ack an alert', async () => {
    const res = await post(
      `${s.url}/api/v1/silences`,
      { matchers: ['service=web'], for: '30m', comment: 'deploy', created_by: 'ana' },
      process.env.T_API_TOKEN,
    );
    expect(res.status).toBe(200);
    const sil = (await res.json()) as { id: string; endsAt: number };
    expect(sil.endsAt).toBe(clock.now() + 30 * 60_000);
    const list = (await (await fetch(`${s.url}/api/v1/silences`)).json()) as Array<{ id: string }>;
    expect(list.map((x) => x.id)).toEqual([sil.id]);
    expect((await fetch(`${s.url}/api/v1/silences/${sil.id}`, { method: 'DELETE' })).status).toBe(401);
    const del = await fetch(`${s.url}/api/v1/silences/${sil.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${process.env.T_API_TOKEN}` },
    });
    expect(del.status).toBe(200);
    expect(await (await fetch(`${s.url}/api/v1/silences`)).json()).toEqual([]);
    expect((await post(`${s.url}/api/v1/alerts/k1/ack`, { by: 'ana' })).status).toBe(401);
    expect((await post(`${s.url}/api/v1/alerts/k1/ack`, { by: 'ana' }, process.env.T_API_TOKEN)).status).toBe(
      200,
    );
    const decisions = (await (await fetch(`${s.url}/api/v1/alerts/k1/decisions`)).json()) as Array<{
      step: string;
    }>;
    expect(decisions.map((d) => d.step)).toEqual(['acked']);
  });

  test('a bad silence is a 400 with the reason', async () => {
    const res = await post(
      `${s.url}/api/v1/silences`,
      { matchers: ['service=web'], for: 'soon', comment: 'x' },
      process.env.T_API_TOKEN,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not a duration/);
  });
});

test('without a token configured, every write is refused', async () => {
  const s = await start(false);
  try {
    const res = await post(
      `${s.url}/api/v1/silences`,
      { matchers: ['service=web'], for: '30m', comment: 'deploy' },
      'anything',
    );
    expect(res.status).toBe(403);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  } finally {
    await s.api.close();
    s.store.close();
  }
});
