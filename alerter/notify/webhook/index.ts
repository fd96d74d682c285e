/**
 * A JSON POST for a chat bridge or any HTTP endpoint. With a secret, the body is signed
 * (signed-post.ts: `X-Lookout-Signature: sha256=<hex HMAC-SHA256 of the raw body>`).
 */
import { z } from 'zod';
import { duration, secret } from '../../../core/config/types';
import { postSigned } from '../signed-post';
import type { NotifierKind } from '../types';

export const webhookSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('webhook'),
    url: z.string().url(),
    secret: secret().optional(),
    timeout: duration().prefault('10s'),
  })
  .strict();

export const webhookKind: NotifierKind<typeof webhookSchema> = {
  type: 'webhook',
  schema: webhookSchema,
  pages: false,
  retry: { initialMs: 1000, maxMs: 120_000, factor: 2, maxAttempts: 20, jitter: 0.3 },
  create(cfg) {
    const { url, timeout } = cfg;
    const post = async (body: string, signal: AbortSignal) => {
      const key = cfg.secret?.reveal();
      return `${(await postSigned({ what: 'webhook', url, body, key, timeout, signal })).status}`;
    };
    return {
      name: cfg.name,
      type: 'webhook',
      async send(n, signal) {
        return { answer: await post(JSON.stringify({ version: 1, kind: 'alerts', ...n }), signal) };
      },
      async sendChange(c, signal) {
        return { answer: await post(JSON.stringify({ version: 1, ...c }), signal) };
      },
    };
  },
};
