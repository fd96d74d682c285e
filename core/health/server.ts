import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import type { Logger } from '../logger';

/** A component's answer to "are you working?": ok, or why not. */
export type HealthCheck = () => { ok: boolean; detail?: string };

export interface HealthServer {
  readonly address: { host: string; port: number };
  addCheck(name: string, check: HealthCheck): void;
  close(): Promise<void>;
}

/**
 * Self-health over HTTP: `/healthz` (200 when every check passes, else 503 with the reasons)
 * and `/metrics` (Prometheus text from prom-client's default registry, where every component
 * registers its counters). Listens on loopback unless configured otherwise.
 */
export async function startHealthServer(
  listen: { host: string; port: number },
  logger: Logger,
): Promise<HealthServer> {
  const checks = new Map<string, HealthCheck>();
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405, { allow: 'GET, HEAD' }).end();
        } else if (req.url === '/healthz') {
          const results = Object.fromEntries([...checks].map(([name, check]) => [name, check()]));
          const ok = Object.values(results).every((r) => r.ok);
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ok, checks: results }));
        } else if (req.url === '/metrics') {
          const text = await register.metrics();
          res.writeHead(200, { 'content-type': register.contentType }).end(text);
        } else {
          res.writeHead(404).end();
        }
      } catch (err) {
        logger.error({ err }, 'health endpoint failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  logger.info(
    { url: `http://${addr.address}:${addr.port}` },
    'health endpoints /healthz and /metrics listening',
  );
  return {
    address: { host: addr.address, port: addr.port },
    addCheck: (name, check) => void checks.set(name, check),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
