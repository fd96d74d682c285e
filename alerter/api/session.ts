/**
 * Who a request is, for the API's access checks: the bearer token (scripts, `lookout silence`),
 * or the UI's session cookie (browsers cannot send a bearer header on a page load, so on a
 * listener whose reads need the token the pages were unusable; issue 15).
 *
 * The cookie holds no token: it is `<issued ms>.<HMAC-SHA256 of "lookout-ui:<issued ms>" keyed
 * with the token>`. No server state, it lapses after SESSION_MS, and rotating the token ends every
 * session. It is HttpOnly (page script cannot read it), SameSite=Strict (no other site's page
 * makes the browser send it) and Secure when the request came over TLS (directly or, as the
 * proxy says, in front of us).
 *
 * Writes on a cookie also need an Origin header naming this listener: SameSite guards against
 * other sites, the Origin check also against a sibling site on the same registrable domain,
 * which SameSite counts as "same site".
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type { Secret } from '../../core/config/types';

export const SESSION_COOKIE = 'lookout_session';
/** A working night: a login at the start of the on-call shift lasts until the morning. */
export const SESSION_MS = 12 * 60 * 60_000;

export type Verdict = 'ok' | 'no token' | 'wrong token' | 'cross origin';

/** Constant-time compare of two strings (a length difference is not hidden, the content is). */
export function sameSecret(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function bearerMatches(req: http.IncomingMessage, token: Secret): boolean {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return sameSecret(m?.[1] ?? '', token.reveal());
}

function mac(token: Secret, issued: number): string {
  return crypto.createHmac('sha256', token.reveal()).update(`lookout-ui:${issued}`).digest('base64url');
}

export function sessionValue(token: Secret, issued: number): string {
  return `${issued}.${mac(token, issued)}`;
}

function cookieOf(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The request carries a session cookie made with this token, issued in the last SESSION_MS. */
export function sessionMatches(req: http.IncomingMessage, token: Secret, now = Date.now()): boolean {
  const m = /^(\d{1,16})\.([\w-]{43})$/.exec(cookieOf(req, SESSION_COOKIE) ?? '');
  if (!m) return false;
  const issued = Number(m[1]);
  if (issued > now + 60_000 || now - issued > SESSION_MS) return false;
  return sameSecret(m[2]!, mac(token, issued));
}

/** Came over TLS, to us or to the proxy in front (which is what the browser sees). */
export function overTls(req: http.IncomingMessage): boolean {
  return (
    (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https'
  );
}

/**
 * The browser says the request comes from a page of this listener: Origin = scheme://Host, or,
 * where a referrer policy made it `null`, `Sec-Fetch-Site: same-origin` (page script cannot set
 * either header).
 */
export function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin && origin !== 'null') return !!host && origin === `${overTls(req) ? 'https' : 'http'}://${host}`;
  return req.headers['sec-fetch-site'] === 'same-origin';
}

/** May this request read, when reads need the token? */
export function readVerdict(req: http.IncomingMessage, token: Secret): Verdict {
  return bearerMatches(req, token) || sessionMatches(req, token) ? 'ok' : 'wrong token';
}

/** May this request write? The bearer token, or the session cookie from one of our own pages. */
export function writeVerdict(req: http.IncomingMessage, token: Secret | undefined): Verdict {
  if (!token) return 'no token';
  if (bearerMatches(req, token)) return 'ok';
  if (!sessionMatches(req, token)) return 'wrong token';
  return sameOrigin(req) ? 'ok' : 'cross origin';
}

/** The Set-Cookie header value that starts (or, with `value` empty, ends) a session. */
export function sessionCookie(req: http.IncomingMessage, value: string): string {
  const age = value ? Math.floor(SESSION_MS / 1000) : 0;
  const secure = overTls(req) ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${age}; HttpOnly; SameSite=Strict${secure}`;
}
