/**
 * The alerter's HTTP API: silences, acknowledgements, the alerts notify holds and their
 * decision logs. Loopback by default; every write needs `Authorization: Bearer <token>` and
 * with no token configured writes are refused outright (reads stay open on the bound address).
 *
 *   GET    /healthz
 *   GET    /api/v1/alerts                      GET /api/v1/alerts/:key/decisions
 *   POST   /api/v1/alerts/:key/ack             {by?, comment?}
 *   GET    /api/v1/silences[?all=1]            POST /api/v1/silences {matchers, for|ends_at, comment, created_by?}
 *   DELETE /api/v1/silences/:id
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/clock';
import type { Secret } from '../../core/config/types';
import { LookoutError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import { explain, recordDecision } from '../notify/decisions';
import { addSilence, expireSilence, listSilences } from '../notify/silence';
import { migrateNotify } from '../notify/tables';

export interface ApiConfig {
  listen: { host: string; port: number };
  token?: Secret;
}

export interface AlerterApi {
  address(): { host: string; port: number };
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 64 * 1024;

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'body must be a JSON object');
  }
}

function authorised(req: http.IncomingMessage, token: Secret | undefined): void {
  if (!token) throw new HttpError(403, 'writes are disabled: no api.token is configured');
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  const given = Buffer.from(m?.[1] ?? '');
  const want = Buffer.from(token.reveal());
  if (given.length !== want.length || !crypto.timingSafeEqual(given, want))
    throw new HttpError(401, 'missing or wrong bearer token');
}

type Handler = (req: http.IncomingMessage, params: string[], url: URL) => unknown;

export async function startAlerterApi(deps: {
  store: StateStore;
  clock: Clock;
  logger: Logger;
  config: ApiConfig;
}): Promise<AlerterApi> {
  const { store, clock, config } = deps;
  const log = deps.logger.child({ component: 'alerter-api' });
  migrateNotify(store);
  const routes: Array<{ method: string; path: RegExp; write: boolean; handle: Handler }> = [
    { method: 'GET', path: /^\/healthz$/, write: false, handle: () => ({ status: 'ok' }) },
    {
      method: 'GET',
      path: /^\/api\/v1\/alerts$/,
      write: false,
      handle: () =>
        (
          store.db
            .prepare('SELECT key, status, alert, muted, flapping FROM notify_alerts ORDER BY key')
            .all() as Array<Record<string, unknown>>
        ).map((r) => ({
          ...r,
          alert: JSON.parse(r.alert as string) as unknown,
          flapping: r.flapping === 1,
        })),
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/alerts\/([^/]+)\/decisions$/,
      write: false,
      handle: (_r, [key]) => explain(store, key!),
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/alerts\/([^/]+)\/ack$/,
      write: true,
      handle: async (req, [key]) => {
        const body = await readJson(req);
        const by = typeof body.by === 'string' ? body.by : 'api';
        const comment = typeof body.comment === 'string' ? body.comment : '';
        store.tx(() => {
          store.db
            .prepare('INSERT OR REPLACE INTO notify_acks (alert_key, by, at, comment) VALUES (?, ?, ?, ?)')
            .run(key!, by, clock.now(), comment);
          recordDecision(store, key!, clock.now(), 'acked', { by, comment });
        });
        return { acked: key };
      },
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/silences$/,
      write: false,
      handle: (_r, _p, url) => listSilences(store, clock, { all: url.searchParams.has('all') }),
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/silences$/,
      write: true,
      handle: async (req) => {
        const b = await readJson(req);
        if (!Array.isArray(b.matchers))
          throw new HttpError(400, 'matchers must be a list such as ["service=web"]');
        return addSilence(
          store,
          {
            matchers: b.matchers as string[],
            for: b.for as string | undefined,
            endsAt: typeof b.ends_at === 'number' ? b.ends_at : undefined,
            comment: typeof b.comment === 'string' ? b.comment : '',
            createdBy: typeof b.created_by === 'string' ? b.created_by : 'api',
          },
          clock,
        );
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/silences\/([^/]+)$/,
      write: true,
      handle: (_r, [id]) => expireSilence(store, id!, clock),
    },
  ];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const found = routes.map((r) => ({ r, m: r.path.exec(url.pathname) })).filter((x) => x.m);
    const route = found.find((x) => x.r.method === req.method);
    if (!route)
      return send(found.length ? 405 : 404, { error: found.length ? 'method not allowed' : 'not found' });
    void (async () => {
      try {
        if (route.r.write) authorised(req, config.token);
        send(200, await route.r.handle(req, route.m!.slice(1).map(decodeURIComponent), url));
      } catch (err) {
        const status = err instanceof HttpError ? err.status : err instanceof LookoutError ? 400 : 500;
        if (status === 500) log.error({ err }, 'API request failed');
        send(status, { error: (err as Error).message });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  log.info(
    { host: addr.address, port: addr.port, writes: config.token ? 'token' : 'disabled' },
    'alerter API listening',
  );
  return {
    address: () => ({ host: addr.address, port: addr.port }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
