import type http from 'node:http';
import type { Secret } from '../../core/config/types';
import { LookoutError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { readVerdict, writeVerdict } from './session';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 64 * 1024;

export async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
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

/**
 * The token (bearer, or the UI's session cookie: session.ts, constant-time compares) is the only
 * thing between a caller and every silence.
 */
function checkAccess(
  req: http.IncomingMessage,
  route: Route,
  token: Secret | undefined,
  reads: boolean,
): void {
  if (route.write) {
    const v = writeVerdict(req, token);
    if (v === 'no token') throw new HttpError(403, 'writes are disabled: no api.token is configured');
    if (v === 'cross origin')
      throw new HttpError(403, "a write on the session cookie must come from this listener's own pages");
    if (v !== 'ok') throw new HttpError(401, 'missing or wrong bearer token');
  } else if (reads && !route.public && token && readVerdict(req, token) !== 'ok')
    throw new HttpError(401, 'missing or wrong bearer token');
}

/** A handler's answer that is not JSON (the UI's HTML pages): sent as is. */
export class RawResponse {
  constructor(
    readonly status: number,
    readonly contentType: string,
    readonly body: string,
    /** Set-Cookie, Location...: the UI's login answers. */
    readonly headers: Record<string, string> = {},
  ) {}
}

export type Handler = (req: http.IncomingMessage, params: string[], url: URL) => unknown;

export interface Route {
  method: string;
  path: RegExp;
  /** Needs the bearer token. */
  write: boolean;
  /** Open to anyone even when reads need the token (/healthz, for Docker and load balancers). */
  public?: boolean;
  /** A UI page: a browser without access is sent to the login form, not given JSON. */
  page?: boolean;
  handle: Handler;
}

/**
 * The UI's pages run script only from the API itself (/ui/app.js), never inline: labels and log
 * lines are attacker-controlled, so escaping is backed by a policy that would refuse an injected
 * <script>. Images may come from graphite-web, wherever it runs.
 */
const UI_HEADERS = {
  'content-security-policy':
    "default-src 'none'; img-src 'self' http: https: data:; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it a browser sends `Origin: null` on the pages' own POSTs, and the
  // session cookie's write check (session.ts) needs their origin. Other sites still get none.
  'referrer-policy': 'same-origin',
};

/** Routes a request to the first route whose path and method match; errors become JSON answers. */
export function routeRequest(
  routes: readonly Route[],
  token: Secret | undefined,
  log: Logger,
  /** Reads need the token too (api/access.ts): a listener other hosts can reach. */
  readsNeedToken = false,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const found = routes.map((r) => ({ r, m: r.path.exec(url.pathname) })).filter((x) => x.m);
    const route = found.find((x) => x.r.method === req.method);
    if (!route)
      return send(found.length ? 405 : 404, { error: found.length ? 'method not allowed' : 'not found' });
    void (async () => {
      try {
        checkAccess(req, route.r, token, readsNeedToken);
        const out = await route.r.handle(req, route.m!.slice(1).map(decodeURIComponent), url);
        if (!(out instanceof RawResponse)) return send(200, out);
        res.writeHead(out.status, { 'content-type': out.contentType, ...UI_HEADERS, ...out.headers });
        res.end(out.body);
      } catch (err) {
        const status = err instanceof HttpError ? err.status : err instanceof LookoutError ? 400 : 500;
        if (status === 401 && route.r.page) {
          res.writeHead(303, { location: `/login?next=${encodeURIComponent(url.pathname + url.search)}` });
          return void res.end();
        }
        if (status === 500) log.error({ err }, 'API request failed');
        send(status, { error: (err as Error).message });
      }
    })();
  };
}
