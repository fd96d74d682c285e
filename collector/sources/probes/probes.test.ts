import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { httpProbeSchema, probesConfigSchema, tcpProbeSchema } from './config';
import { probeHttp } from './http';
import { createProbeSource } from './index';
import { probeTcp } from './tcp';

const listen = (server: net.Server): Promise<number> =>
  new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
const close = (server: net.Server): Promise<void> => new Promise((r) => server.close(() => r()));

describe('HTTP and TCP probes against real servers on loopback', () => {
  let server: http.Server;
  let port: number;
  const hung: http.ServerResponse[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/ok') return res.end('status: ok');
      if (req.url === '/broken') return res.writeHead(503).end('down');
      if (req.url === '/hang') return void hung.push(res);
      res.writeHead(404).end();
    });
    port = await listen(server);
  });
  afterAll(async () => {
    for (const r of hung) r.destroy();
    server.closeAllConnections();
    await close(server);
  });

  const h = (p: string, extra: Record<string, unknown> = {}) =>
    httpProbeSchema.parse({ http: `http://127.0.0.1:${port}${p}`, ...extra });

  it.each([
    ['200 with a matching body', '/ok', { body_match: 'status: ok' }, true, 200],
    ['200 with a body that does not match', '/ok', { body_match: 'healthy' }, false, 200],
    ['503 is down by default', '/broken', {}, false, 503],
    ['503 listed as expected is up', '/broken', { expect_status: [503] }, true, 503],
    ['404 against 2xx only', '/nope', { expect_status: ['2xx'] }, false, 404],
  ] as const)('%s', async (_n, p, extra, up, code) => {
    const r = await probeHttp(h(p, extra), 5000, Date.now);
    expect(r).toMatchObject({ up, statusCode: code });
    expect(r.latencyMs).toBeGreaterThan(0);
  });

  it('a server that does not answer is down after the deadline', async () => {
    const r = await probeHttp(h('/hang'), 300, Date.now);
    expect(r).toMatchObject({ up: false, error: 'no answer within 300 ms' });
  });

  it('TCP: up when accepted, down when refused', async () => {
    expect(await probeTcp(tcpProbeSchema.parse({ tcp: `127.0.0.1:${port}` }), 2000)).toMatchObject({
      up: true,
    });
    const spare = net.createServer();
    const closedPort = await listen(spare);
    await close(spare);
    expect(await probeTcp(tcpProbeSchema.parse({ tcp: `127.0.0.1:${closedPort}` }), 2000)).toMatchObject({
      up: false,
      error: 'ECONNREFUSED',
    });
  });

  it('HTTPS: reports the days left on the certificate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'k.pem'),
        '-out',
        path.join(dir, 'c.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const tls = https.createServer(
      { key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) },
      (_q, s) => s.end('ok'),
    );
    const tlsPort = await listen(tls);
    try {
      const insecure = await probeHttp(
        httpProbeSchema.parse({ http: `https://127.0.0.1:${tlsPort}/`, tls_verify: false }),
        5000,
        Date.now,
      );
      expect(insecure).toMatchObject({ up: true, statusCode: 200 });
      expect([29, 30]).toContain(insecure.tlsDaysLeft);
      // Verified, a self-signed certificate is down.
      expect(
        await probeHttp(httpProbeSchema.parse({ http: `https://127.0.0.1:${tlsPort}/` }), 5000, Date.now),
      ).toMatchObject({ up: false });
    } finally {
      tls.closeAllConnections();
      await close(tls);
    }
  });

  it('the source yields probe.* samples labelled with the target', async () => {
    const cfg = probesConfigSchema.parse({
      interval: '1h',
      targets: [{ http: `http://127.0.0.1:${port}/ok`, name: 'web' }, { tcp: `127.0.0.1:${port}` }],
    });
    const ac = new AbortController();
    const source = createProbeSource(cfg, { logger: silentLogger(), clock: systemClock, host: 'prober' });
    const it = source.run(ac.signal)[Symbol.asyncIterator]();
    const first = await it.next();
    ac.abort();
    const events = (
      first.value as { events: Array<{ name: string; value: number; labels: Record<string, string> }> }
    ).events;
    expect(
      events.map((e) => `${e.labels.target} ${e.name}=${e.name === 'probe.latency_ms' ? 'ms' : e.value}`),
    ).toEqual([
      'web probe.up=1',
      'web probe.latency_ms=ms',
      'web probe.status_code=200',
      `127.0.0.1:${port} probe.up=1`,
      `127.0.0.1:${port} probe.latency_ms=ms`,
    ]);
    await it.return?.(undefined);
  });

  it('rejects a bad config with a clear message', () => {
    const r = probesConfigSchema.safeParse({
      targets: [{ http: 'ftp://x' }, { tcp: 'nohost:99999' }, { http: 'http://x', body_match: '(' }],
    });
    expect(r.success).toBe(false);
  });
});
