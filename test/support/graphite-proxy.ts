/**
 * An HTTP proxy in front of the real graphite-web, for tests that must see who asks Graphite or
 * make it fail for one replica: every request is shown to `intercept` first (to count it, or to
 * answer it, e.g. with a refusal), and forwarded unless intercept answered it.
 */
import http from 'node:http';
import type net from 'node:net';

export interface GraphiteProxy {
  url: string;
  close(): Promise<void>;
}

/** Returns true when it has answered the request itself. */
export type Intercept = (url: URL, res: http.ServerResponse) => boolean;

export async function startGraphiteProxy(graphiteUrl: string, intercept?: Intercept): Promise<GraphiteProxy> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (intercept?.(url, res)) return;
    fetch(`${graphiteUrl}${url.pathname}${url.search}`, { signal: AbortSignal.timeout(10_000) })
      .then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(502);
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
