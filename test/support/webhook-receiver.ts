import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  body: Record<string, any>;
  receivedAt: number;
}

/** A loopback HTTP server that records every JSON POST (lookout's webhook notifier's receiver). */
export async function startWebhookReceiver(): Promise<{
  url: string;
  received: ReceivedHook[];
  close(): Promise<void>;
}> {
  const received: ReceivedHook[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      try {
        received.push({
          body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, any>,
          receivedAt: Date.now(),
        });
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(400).end('not json');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
