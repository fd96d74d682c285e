/**
 * A PagerDuty Events API v2 stand-in over HTTPS on loopback: it checks events the way the
 * real endpoint documents (https://developer.pagerduty.com/docs/events-api-v2/overview/),
 * answers 202 like it, keeps what it accepted, and answers 429 or 500 on demand.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  path: '/v2/enqueue' | '/v2/change/enqueue';

  body: Record<string, any>;
  at: number;
}

export interface PagerDutyStandin {
  /** `127.0.0.1:PORT`, what pdjs takes as `server`. */
  readonly server: string;
  readonly port: number;
  /** Events it accepted (answered 202), in order. */
  readonly accepted: ReceivedEvent[];
  /** Every request it saw, accepted or not, with the status it gave. */
  readonly requests: Array<{ path: string; status: number }>;
  /** Answer the next `count` requests with `status` (429, 500...; 0 never answers). */
  failNext(status: number, count: number): void;
  close(): Promise<void>;
}

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

function problems(path: string, b: Record<string, any>): string[] {
  const errs: string[] = [];
  if (typeof b.routing_key !== 'string' || b.routing_key.length === 0)
    errs.push("'routing_key' is missing or blank");
  if (path === '/v2/change/enqueue') {
    if (typeof b.payload?.summary !== 'string') errs.push("'payload.summary' is missing");
    return errs;
  }
  if (!['trigger', 'acknowledge', 'resolve'].includes(b.event_action)) errs.push("'event_action' is invalid");
  if (b.dedup_key !== undefined && (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255))
    errs.push("'dedup_key' is invalid");
  if (b.event_action !== 'trigger' && typeof b.dedup_key !== 'string')
    errs.push("'dedup_key' is required for acknowledge and resolve");
  if (b.event_action === 'trigger') {
    const p = b.payload ?? {};
    if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024)
      errs.push("'payload.summary' is missing or longer than 1024");
    if (typeof p.source !== 'string' || p.source.length === 0) errs.push("'payload.source' is missing");
    if (!SEVERITIES.has(p.severity)) errs.push("'payload.severity' is invalid");
  }
  return errs;
}

export async function startPagerDutyStandin(opts: {
  certFile: string;
  keyFile: string;
  port?: number;
}): Promise<PagerDutyStandin> {
  const accepted: ReceivedEvent[] = [];
  const requests: Array<{ path: string; status: number }> = [];
  let failures: Array<number> = [];
  const server = https.createServer(
    { cert: fs.readFileSync(opts.certFile), key: fs.readFileSync(opts.keyFile) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = (status: number, body: object) => {
          requests.push({ path: req.url ?? '', status });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const path = req.url;
        if (req.method !== 'POST' || (path !== '/v2/enqueue' && path !== '/v2/change/enqueue'))
          return answer(404, { status: 'not found' });
        const forced = failures.shift();
        // 0: never answer, for timeout tests (the socket is dropped at close).
        if (forced === 0) return void requests.push({ path: req.url ?? '', status: 0 });
        if (forced === 429)
          return answer(429, {
            status: 'throttled',
            message: 'Requests for this service are arriving too quickly.',
          });
        if (forced !== undefined) return answer(forced, { status: 'error', message: 'internal error' });
        let body: ReceivedEvent['body'];
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEvent['body'];
        } catch {
          return answer(400, {
            status: 'invalid event',
            message: 'Event object is invalid',
            errors: ['body is not JSON'],
          });
        }
        const errs = problems(path, body);
        if (errs.length)
          return answer(400, { status: 'invalid event', message: 'Event object is invalid', errors: errs });
        accepted.push({ path, body, at: Date.now() });
        answer(
          202,
          path === '/v2/enqueue'
            ? {
                status: 'success',
                message: 'Event processed',
                dedup_key: body.dedup_key ?? `standin-${accepted.length}`,
              }
            : { status: 'success', message: 'Change event processed' },
        );
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server: `127.0.0.1:${port}`,
    port,
    accepted,
    requests,
    failNext(status, count) {
      failures = [...failures, ...Array<number>(count).fill(status)];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
