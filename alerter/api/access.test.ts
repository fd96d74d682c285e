import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/clock';
import { loadConfig } from '../../core/config/load';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { notifyConfigSchema } from '../notify/config';
import { isLoopback, readsNeedToken } from './access';
import { startAlerterApi } from './server';

process.env.T_ACCESS_TOKEN = 'access-token-for-tests-0123456789';
const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));

test.each([
  ['127.0.0.1', true],
  ['127.3.2.1', true],
  ['::1', true],
  ['localhost', true],
  ['0.0.0.0', false],
  ['::', false],
  ['10.0.0.5', false],
  ['alerter.internal', false],
])('%s is loopback: %s', (host, loopback) => expect(isLoopback(host)).toBe(loopback));

test.each([
  ['loopback, unset', { listen: { host: '127.0.0.1' } }, false],
  ['beyond loopback, unset', { listen: { host: '0.0.0.0' } }, true],
  ['beyond loopback, open', { listen: { host: '0.0.0.0' }, reads: 'open' as const }, false],
  ['loopback, token', { listen: { host: '127.0.0.1' }, reads: 'token' as const }, true],
])('reads need the token (%s): %s', (_n, api, want) => expect(readsNeedToken(api)).toBe(want));

describe('the config refuses an API other hosts can reach without a token', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-access-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const load = (yaml: string) => {
    const file = path.join(dir, 'notify.yaml');
    fs.writeFileSync(file, yaml);
    return () => loadConfig(notifyConfigSchema, { file, env: {} });
  };

  it('names the file, the line and the key', () => {
    expect(load('receivers: []\napi:\n  listen: 0.0.0.0:9465\n')).toThrow(
      /notify\.yaml:3:\d+.*api\.listen.*other hosts can reach.*set api\.token/s,
    );
  });

  it('takes it with a token, and reads then need the token', () => {
    const cfg = load('api:\n  listen: 0.0.0.0:9465\n  token: { env: T_ACCESS_TOKEN }\n')();
    expect(readsNeedToken(cfg.api)).toBe(true);
  });

  it('refuses reads: token without a token', () => {
    expect(load('api:\n  reads: token\n')).toThrow(/api\.reads.*needs api\.token/s);
  });

  it('takes a disabled API on any address', () => {
    expect(() => load('api:\n  enabled: false\n  listen: 0.0.0.0:9465\n')()).not.toThrow();
  });
});

describe('reads: token', () => {
  const store = StateStore.open(':memory:');
  const cfg = notifyConfigSchema.parse({
    api: { listen: '127.0.0.1:0', token: { env: 'T_ACCESS_TOKEN' }, reads: 'token' },
  }).api;
  let url = '';
  let close = () => Promise.resolve();
  beforeAll(async () => {
    const api = await startAlerterApi({ store, clock, logger: silentLogger(), config: cfg });
    url = `http://127.0.0.1:${api.address().port}`;
    close = () => api.close();
  });
  afterAll(async () => {
    await close();
    store.close();
  });
  const get = (p: string, token?: string) =>
    fetch(`${url}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  test.each(['/api/v1/alerts', '/api/v1/silences', '/api/v1/alerts/k/decisions'])(
    'refuses %s without the token and answers it with the token',
    async (p) => {
      expect((await get(p)).status).toBe(401);
      expect((await get(p, 'wrong')).status).toBe(401);
      expect((await get(p, process.env.T_ACCESS_TOKEN)).status).toBe(200);
    },
  );

  test('/healthz stays open (Docker HEALTHCHECK, load balancers)', async () => {
    expect((await get('/healthz')).status).toBe(200);
  });
});
