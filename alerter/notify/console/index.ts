/** Prints notifications to the log: the default receiver when nothing else is configured. */
import { z } from 'zod';
import { textBody, title } from '../render';
import type { NotifierKind } from '../types';

export const consoleSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('console'),
    /** `summary`: one line per notification; `full`: the whole text body. */
    format: z.enum(['summary', 'full']).default('summary'),
  })
  .strict();

export const consoleKind: NotifierKind<typeof consoleSchema> = {
  type: 'console',
  schema: consoleSchema,
  pages: false,
  retry: { initialMs: 100, maxMs: 1000, factor: 2, maxAttempts: 3, jitter: 0 },
  create(cfg, deps) {
    const log = deps.logger.child({ component: 'notify', receiver: cfg.name });
    return {
      name: cfg.name,
      type: 'console',
      send(n) {
        log.warn(
          { group: n.groupKey, status: n.status, incident: n.incidentKey },
          cfg.format === 'full' ? textBody(n) : title(n),
        );
        return Promise.resolve({ answer: 'logged' });
      },
      sendChange(c) {
        log.info(
          { host: c.host, service: c.service, from: c.fromImage, to: c.toImage },
          `deploy of ${c.service} on ${c.host}`,
        );
        return Promise.resolve({ answer: 'logged' });
      },
    };
  },
};
