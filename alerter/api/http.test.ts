import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret } from '../../core/config/types';
import { LookoutError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { HttpError, readJson, routeRequest, type Route } from './http';

const routes: Route[] = [
  { method: 'GET', path: /^\/echo\/([^/]+)$/, write: false, handle: (_r, [v]) => ({ v }) },
  { method: 'POST', path: /^\/body$/, write: true, handle: (req) => readJson(req) },
  {
    method: 'GET',
    path: /^\/fail\/(\w+)$/,
    write: false,
    handle: (_r, [how]) => {
      if (how === 'http') throw new HttpError(418, 'teapot');
      if (how === 'config') throw new LookoutError('bad input');
      throw new Error('bug');
    },
  },
];

describe('routeRequest', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer(routeRequest(routes, new Secret('t0ken'), silentLogger()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const post = (path: string, body: string, token?: string) =>
    fetch(url + path, { method: 'POST', body, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it.each([
    ['/echo/a%20b', 200, { v: 'a b' }],
    ['/nowhere', 404, { error: 'not found' }],
    ['/fail/http', 418, { error: 'teapot' }],
    ['/fail/config', 400, { error: 'bad input' }],
    ['/fail/bug', 500, { error: 'bug' }],
  ])('GET %s answers %i', async (path, status, body) => {
    const res = await fetch(url + path);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(body);
  });

  it('405 for a known path with another method', async () => {
    expect((await fetch(`${url}/body`)).status).toBe(405);
  });

  it('a write needs the token; its body must be one JSON object under 64 KiB', async () => {
    expect((await post('/body', '{}')).status).toBe(401);
    expect((await post('/body', '{}', 't0kem')).status).toBe(401);
    expect(await (await post('/body', '{"a":1}', 't0ken')).json()).toEqual({ a: 1 });
    expect((await post('/body', '[1]', 't0ken')).status).toBe(400);
    expect((await post('/body', 'x'.repeat(70_000), 't0ken')).status).toBe(413);
  });

  it('with no token configured, writes are refused outright', async () => {
    const s = http.createServer(routeRequest(routes, undefined, silentLogger()));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/body`, { method: 'POST' });
    expect(res.status).toBe(403);
    await new Promise((r) => s.close(r));
  });
});
