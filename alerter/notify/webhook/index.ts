/**
 * A JSON POST for a scaling coordinator or a chat bridge. With a secret, the body is signed:
 * `X-Lookout-Signature: sha256=<hex HMAC-SHA256 of the raw body>` and the receiver recomputes it.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { duration, secret } from '../../../core/config/types';
import { checkStatus, networkError } from '../http';
import type { NotifierKind } from '../types';
import { deadline } from '../../../core/deadline';

export const webhookSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('webhook'),
    url: z.string().url(),
    secret: secret().optional(),
    timeout: duration().prefault('10s'),
  })
  .strict();

export const SIGNATURE_HEADER = 'x-lookout-signature';

export function sign(body: string, key: string): string {
  return `sha256=${crypto.createHmac('sha256', key).update(body).digest('hex')}`;
}

async function postJson(
  url: string,
  body: string,
  key: string | undefined,
  timeout: number,
  signal: AbortSignal,
): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers[SIGNATURE_HEADER] = sign(body, key);
  const limit = deadline(timeout, signal);
  try {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: limit.signal });
    } catch (err) {
      throw networkError('webhook', err);
    }
    const text = await res.text().catch(() => '');
    checkStatus('webhook', res.status, text);
    return `${res.status}`;
  } finally {
    limit.done();
  }
}

export const webhookKind: NotifierKind<typeof webhookSchema> = {
  type: 'webhook',
  schema: webhookSchema,
  pages: false,
  retry: { initialMs: 1000, maxMs: 120_000, factor: 2, maxAttempts: 20, jitter: 0.3 },
  create(cfg) {
    return {
      name: cfg.name,
      type: 'webhook',
      async send(n, signal) {
        const body = JSON.stringify({ version: 1, kind: 'alerts', ...n });
        return { answer: await postJson(cfg.url, body, cfg.secret?.reveal(), cfg.timeout, signal) };
      },
      async sendChange(c, signal) {
        const body = JSON.stringify({ version: 1, ...c });
        return { answer: await postJson(cfg.url, body, cfg.secret?.reveal(), cfg.timeout, signal) };
      },
    };
  },
};
