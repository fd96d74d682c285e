/**
 * The UI's login: a form that exchanges the API token for a session cookie (../session.ts), so
 * a browser can use the pages on a listener whose reads need the token, and write without being
 * asked for the token again. The token travels in a POST body only: never in a URL (which ends
 * up in history, proxies' logs and Referer), never logged.
 *
 *   GET  /login[?next=/alerts/x]   the form
 *   POST /login                    token=…&next=…   → 303 to next, with the cookie
 *   POST /logout                   → 303 to /login, the cookie cleared
 *
 * Wrong tokens are limited per client address (../login-limit.ts): after 10 in a minute, 429.
 */
import type http from 'node:http';
import type { Secret } from '../../../core/config/types';
import { HttpError, RawResponse, type Route } from '../http';
import { createLoginLimit, type LoginLimit } from '../login-limit';
import { sameOrigin, sameSecret, sessionCookie, sessionValue } from '../session';
import { esc, page } from './html';

/** A token and a path: nothing legitimate is longer. */
const MAX_FORM_BYTES = 4096;

export interface LoginDeps {
  token?: Secret;
  now: () => number;
  /** Wrong-token limit; default: one for these routes, on `now`. */
  limit?: LoginLimit;
}

type LoginState = LoginDeps & { limit: LoginLimit };

export function loginRoutes(d: LoginDeps): Route[] {
  const deps: LoginState = { ...d, limit: d.limit ?? createLoginLimit(d.now) };
  return [
    {
      method: 'GET',
      path: /^\/login$/,
      write: false,
      public: true,
      handle: (_r, _p, url) => loginPage(deps, safeNext(url.searchParams.get('next'))),
    },
    { method: 'POST', path: /^\/login$/, write: false, public: true, handle: (req) => login(deps, req) },
    { method: 'POST', path: /^\/logout$/, write: false, public: true, handle: (req) => logout(req) },
  ];
}

/** Only a path on this listener: `//evil.example` or an absolute URL would make the form an open redirect. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/alerts';
}

function loginPage(deps: LoginDeps, next: string, problem?: string, status = 200): RawResponse {
  if (!deps.token)
    return page(
      { title: 'Log in' },
      '<h1>Log in</h1><p>This alerter has no API token: its pages are open and its writes disabled.</p>',
    );
  const body = `<h1>Log in</h1>
${problem ? `<p class="error-box" data-testid="login-problem">${esc(problem)}</p>` : ''}
<p>The alerter's API token (<code>notify.api.token</code>) opens its pages and lets them write silences.
The browser keeps a session cookie for 12 hours, not the token.</p>
<form method="post" action="/login" data-testid="login-form">
<input type="hidden" name="next" value="${esc(next)}">
<label>API token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button>
</form>
<form method="post" action="/logout"><button type="submit">Log out</button></form>`;
  return page({ title: 'Log in' }, body, status);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'form too large');
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function login(deps: LoginState, req: http.IncomingMessage): Promise<RawResponse> {
  const form = await readForm(req);
  const next = safeNext(form.get('next'));
  if (!deps.token) return loginPage(deps, next);
  // A login posted from another site's page would log the browser into a session it did not ask for.
  if (!sameOrigin(req)) return loginPage(deps, next, 'Log in from this page, not from another site.', 403);
  const address = req.socket.remoteAddress;
  const wait = deps.limit.retryAfter(address);
  if (wait > 0) {
    const p = loginPage(deps, next, `Too many wrong tokens from your address: try again in ${wait} s.`, 429);
    return new RawResponse(p.status, p.contentType, p.body, { 'retry-after': String(wait) });
  }
  if (!sameSecret(form.get('token') ?? '', deps.token.reveal())) {
    deps.limit.failed(address);
    return loginPage(deps, next, 'Wrong token.', 401);
  }
  const cookie = sessionCookie(req, sessionValue(deps.token, deps.now()));
  return new RawResponse(303, 'text/plain; charset=utf-8', '', { location: next, 'set-cookie': cookie });
}

function logout(req: http.IncomingMessage): RawResponse {
  if (!sameOrigin(req)) throw new HttpError(403, "log out from this listener's own pages");
  return new RawResponse(303, 'text/plain; charset=utf-8', '', {
    location: '/login',
    'set-cookie': sessionCookie(req, ''),
  });
}
