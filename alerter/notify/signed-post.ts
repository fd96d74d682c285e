/**
 * The JSON POST a webhook and a scaling coordinator share. With a key, the body is signed:
 * `X-Lookout-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, which the receiver recomputes
 * over the bytes it got. The call has its deadline; the answer maps to the outbox's errors
 * (http.ts): 2xx accepted, 408/429/5xx and network failures retriable, any other 4xx final.
 */
import crypto from 'node:crypto';
import { deadline } from '../../core/deadline';
import { checkStatus, networkError } from './http';

export const SIGNATURE_HEADER = 'x-lookout-signature';

export function sign(body: string, key: string): string {
  return `sha256=${crypto.createHmac('sha256', key).update(body).digest('hex')}`;
}

export interface SignedPost {
  /** Who is called, for error messages ("coordinator answered 500"). */
  what: string;
  url: string;
  body: string;
  /** Signing key; without one the body goes unsigned. */
  key?: string;
  headers?: Record<string, string>;
  timeout: number;
  signal: AbortSignal;
}

/** Resolves with the 2xx answer; throws a delivery error saying whether a retry can help. */
export async function postSigned(p: SignedPost): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...p.headers };
  if (p.key) headers[SIGNATURE_HEADER] = sign(p.body, p.key);
  const limit = deadline(p.timeout, p.signal);
  try {
    let res: Response;
    try {
      res = await fetch(p.url, { method: 'POST', headers, body: p.body, signal: limit.signal });
    } catch (err) {
      throw networkError(p.what, err, p.url);
    }
    const text = await res.text().catch(() => '');
    checkStatus(p.what, res.status, text);
    return { status: res.status, text };
  } finally {
    limit.done();
  }
}
