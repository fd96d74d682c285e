/**
 * E-mail over SMTP with nodemailer: a text and an HTML part carrying the same facts and
 * links. The resolve mail answers the firing one (In-Reply-To), so mail clients thread them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type nodemailerType from 'nodemailer';
import { z } from 'zod';
import { duration, secret } from '../../../core/config/types';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../core/errors';
import { networkError } from '../http';
import { textBody, title } from '../render';
import type { NotifierKind } from '../types';
import { htmlBody } from './html';

export const emailSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('email'),
    host: z.string(),
    port: z.number().int().positive().default(587),
    /** Implicit TLS from the first byte (port 465). */
    tls: z.boolean().default(false),
    /** STARTTLS: `require` fails without it, `opportunistic` upgrades when offered, `off` never does. */
    starttls: z.enum(['require', 'opportunistic', 'off']).default('opportunistic'),
    user: z.string().optional(),
    password: secret().optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    timeout: duration().prefault('15s'),
    /** Extra CA certificate (PEM) to trust for the server's TLS certificate. */
    ca_file: z.string().optional(),
  })
  .strict();

/** SMTP 4xx replies and lost connections pass; 5xx replies and bad credentials do not. */
function classify(err: unknown): Error {
  const e = err as { responseCode?: number; code?: string; message?: string };
  if (typeof e.responseCode === 'number') {
    const msg = `SMTP server answered ${e.responseCode}: ${e.message ?? ''}`;
    return e.responseCode >= 500
      ? new PermanentDeliveryError(msg, err)
      : new TransientDeliveryError(msg, err);
  }
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE')
    return new PermanentDeliveryError(`SMTP: ${e.code}: ${e.message ?? ''}`, err);
  return networkError('SMTP server', err);
}

export const emailKind: NotifierKind<typeof emailSchema> = {
  type: 'email',
  schema: emailSchema,
  pages: false,
  retry: { initialMs: 2000, maxMs: 300_000, factor: 2, maxAttempts: Infinity, jitter: 0.3 },
  create(cfg) {
    // Loaded when a mail receiver is configured, not at every start (it is a large package).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodemailer = require('nodemailer') as typeof nodemailerType;
    const transport = nodemailer.createTransport({
      host: cfg.host,
      port: cfg.port,
      secure: cfg.tls,
      requireTLS: cfg.starttls === 'require',
      ignoreTLS: cfg.starttls === 'off',
      auth: cfg.user && cfg.password ? { user: cfg.user, pass: cfg.password.reveal() } : undefined,
      connectionTimeout: cfg.timeout,
      greetingTimeout: cfg.timeout,
      socketTimeout: cfg.timeout,
      // nodemailer logs nothing of ours unless asked; keep it that way (credentials).
      logger: false,
      ...(cfg.ca_file ? { tls: { ca: fs.readFileSync(cfg.ca_file) } } : {}),
    });
    const domain = cfg.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'lookout';
    return {
      name: cfg.name,
      type: 'email',
      async send(n, signal) {
        // Message ids allow only a few characters: name the thread by a hash of the incident key.
        const incident = crypto.createHash('sha256').update(n.incidentKey).digest('hex').slice(0, 24);
        const thread = `<lookout.${incident}@${domain}>`;
        const mail = transport.sendMail({
          from: cfg.from,
          to: cfg.to,
          subject: title(n),
          text: textBody(n),
          html: htmlBody(n),
          messageId: `<lookout.${incident}.${n.status}.${n.id}@${domain}>`,
          inReplyTo: thread,
          references: [thread],
          headers: { 'X-Lookout-Group': n.groupKey, 'X-Lookout-Status': n.status },
        });
        let reject!: (err: Error) => void;
        const aborted = new Promise<never>((_, r) => (reject = r));
        const onAbort = () => reject(new TransientDeliveryError('SMTP send aborted'));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
        try {
          const info = await Promise.race([mail, aborted]);
          return { answer: String(info.response ?? 'accepted') };
        } catch (err) {
          throw classify(err);
        } finally {
          // The signal may outlive many sends: the listener goes when this one ends.
          signal.removeEventListener('abort', onAbort);
        }
      },
      close() {
        transport.close();
        return Promise.resolve();
      },
    };
  },
};
