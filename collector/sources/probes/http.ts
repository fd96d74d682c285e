import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { HttpProbeConfig } from './config';
import type { ProbeResult } from './result';

const MAX_BODY = 64 * 1024;

function statusExpected(code: number, expected: ReadonlyArray<number | string>): boolean {
  return expected.some((e) => (typeof e === 'number' ? e === code : Math.floor(code / 100) === Number(e[0])));
}

/**
 * One HTTP(S) check with a deadline: status, body match, time to the full answer, and the
 * days left on the server certificate. node:https rather than fetch, because fetch does not
 * expose the peer certificate. A fresh connection each time (agent: false): a reused one would
 * hide a server that stopped accepting.
 */
export function probeHttp(cfg: HttpProbeConfig, timeoutMs: number, now: () => number): Promise<ProbeResult> {
  const url = new URL(cfg.http);
  const lib = url.protocol === 'https:' ? https : http;
  const started = performance.now();
  const body = cfg.body_match ? new RegExp(cfg.body_match) : undefined;
  return new Promise<ProbeResult>((resolve) => {
    const fail = (error: string, statusCode?: number, tlsDaysLeft?: number): void =>
      resolve({ up: false, latencyMs: performance.now() - started, error, statusCode, tlsDaysLeft });
    const req = lib.request(
      url,
      {
        method: cfg.method,
        headers: { 'user-agent': 'lookout-probe', ...cfg.headers },
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        rejectUnauthorized: cfg.tls_verify,
      },
      (res) => {
        let tlsDaysLeft: number | undefined;
        const sock = res.socket as TLSSocket;
        if (typeof sock.getPeerCertificate === 'function') {
          const validTo = sock.getPeerCertificate()?.valid_to;
          if (validTo) tlsDaysLeft = Math.floor((Date.parse(validTo) - now()) / 86_400_000);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('error', (err) => fail(err.message, res.statusCode, tlsDaysLeft));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          const latencyMs = performance.now() - started;
          if (!statusExpected(code, cfg.expect_status))
            return resolve({ up: false, latencyMs, statusCode: code, tlsDaysLeft, error: `status ${code}` });
          if (body && !body.test(Buffer.concat(chunks).toString('utf8')))
            return resolve({
              up: false,
              latencyMs,
              statusCode: code,
              tlsDaysLeft,
              error: 'body does not match',
            });
          resolve({ up: true, latencyMs, statusCode: code, tlsDaysLeft });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.name === 'TimeoutError' || err.name === 'AbortError'
          ? `no answer within ${timeoutMs} ms`
          : (err.code ?? err.message),
      ),
    );
    req.end();
  });
}
