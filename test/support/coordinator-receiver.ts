/**
 * A scaling coordinator on loopback for tests: it checks the body's HMAC signature the way a
 * real one must, keeps what it got, and answers with the size asked for, or a status (500) or
 * nothing at all (a hang) on demand. `release()` ends the requests it holds hanging.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CoordinatorRequest {
  body: Record<string, any>;
  signatureOk: boolean;
  idempotencyKey: string | undefined;
}

export interface TestCoordinator {
  url: string;
  requests: CoordinatorRequest[];
  /** Answer the next `count` requests with `status` (0: hold them open until release()). */
  failNext(status: number, count: number): void;
  release(): void;
  close(): Promise<void>;
}

export function signatureOf(body: string, key: string): string {
  return `sha256=${crypto.createHmac('sha256', key).update(body).digest('hex')}`;
}

export async function startTestCoordinator(key: string): Promise<TestCoordinator> {
  const requests: CoordinatorRequest[] = [];
  const failures: number[] = [];
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const given = String(req.headers['x-lookout-signature'] ?? '');
      const want = signatureOf(raw, key);
      const signatureOk =
        given.length === want.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(want));
      const body = JSON.parse(raw) as Record<string, any>;
      requests.push({ body, signatureOk, idempotencyKey: req.headers['idempotency-key'] as string });
      const fail = failures.shift();
      if (fail === 0) return void held.push(res);
      const status = !signatureOk ? 401 : (fail ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { size: body.suggested_size } : { error: 'no' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scale`,
    requests,
    failNext: (status, count) => failures.push(...Array<number>(count).fill(status)),
    release: () => held.splice(0).forEach((r) => r.destroy()),
    close: () => {
      held.splice(0).forEach((r) => r.destroy());
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
