/**
 * The scaling-coordinator hook (issue 13): a firing alert about a service's pool asks a
 * coordinator (a script the user owns) to scale that service out, or in when the alert carries
 * the label `scale: in`. The request is signed JSON; cooldown, bounds and the scale-in quiet
 * period are judged here (decide.ts) and every verdict is the answer the outbox writes to the
 * decision log. It is an ordinary receiver: retried with backoff, never in the way of a page.
 */
import { z } from 'zod';
import { duration, secret } from '../../../core/config/types';
import type { Notification, NotifiedAlert, NotifierKind } from '../types';
import { decide, describe, type Direction, type ServiceMemory } from './decide';
import { postScale, type ScaleRequest } from './request';

const boundsSchema = z
  .object({
    min: z.number().int().min(0),
    max: z.number().int().min(1),
    /** The size lookout assumes until the coordinator reports one; `min` when absent. */
    size: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((b) => b.min <= b.max, { message: 'min must not exceed max' });

export const coordinatorSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('coordinator'),
    url: z.string().url(),
    /** Key for the HMAC-SHA256 signature of the body; from env or a file. */
    secret: secret(),
    timeout: duration().prefault('5s'),
    cooldown: duration().prefault('10m'),
    scale_in_quiet: duration().prefault('30m'),
    step: z.number().int().min(1).default(1),
    /** Bounds for services not listed under `services`. */
    default: boundsSchema.prefault({ min: 1, max: 4 }),
    services: z.record(z.string(), boundsSchema).default({}),
  })
  .strict();

type Config = z.output<typeof coordinatorSchema>;

function direction(a: NotifiedAlert): Direction {
  return a.labels.scale === 'in' ? 'in' : 'out';
}

function requestFor(
  n: Notification,
  a: NotifiedAlert,
  dir: Direction,
  cur: number,
  sug: number,
): ScaleRequest {
  const service = a.labels.service!;
  return {
    version: 1,
    kind: 'scale',
    service,
    direction: dir,
    current_size: cur,
    suggested_size: sug,
    // Stable across the outbox's retries of this row (its id), unique per service and direction.
    idempotency_key: `lookout-${n.id}-${service}-${dir}`,
    evidence: {
      rule: a.rule,
      alert: a.key,
      summary: a.summary,
      value: a.value,
      threshold: a.threshold,
      detail: a.detail,
      links: a.links,
    },
    at: n.at,
  };
}

export const coordinatorKind: NotifierKind<typeof coordinatorSchema> = {
  type: 'coordinator',
  schema: coordinatorSchema,
  pages: false,
  // A scale request is worth a few minutes of retrying, not hours: by then the evidence is stale.
  retry: { initialMs: 1000, maxMs: 30_000, factor: 2, maxAttempts: 8, jitter: 0.3 },
  create(cfg: Config, deps) {
    const log = deps.logger.child({ receiver: cfg.name, kind: 'coordinator' });
    const memory = new Map<string, ServiceMemory>();
    const boundsOf = (s: string) => cfg.services[s] ?? cfg.default;
    const memoryOf = (s: string) => {
      let m = memory.get(s);
      if (!m) memory.set(s, (m = { size: boundsOf(s).size ?? boundsOf(s).min }));
      return m;
    };
    const policy = { cooldownMs: cfg.cooldown, scaleInQuietMs: cfg.scale_in_quiet, step: cfg.step };
    return {
      name: cfg.name,
      type: 'coordinator',
      async send(n, signal) {
        if (n.status === 'resolved') return { answer: 'resolved: nothing to scale' };
        const lines: string[] = [];
        const seen = new Set<string>();
        for (const a of n.firing) {
          const service = a.labels.service;
          const dir = direction(a);
          if (!service || seen.has(`${service}|${dir}`)) continue;
          seen.add(`${service}|${dir}`);
          const mem = memoryOf(service);
          const v = decide(dir, mem, boundsOf(service), policy, deps.clock.now());
          if (v.kind === 'send') {
            const req = requestFor(n, a, dir, v.current, v.suggested);
            // A failure throws before the memory changes: the outbox's retry asks the same again.
            const reported = await postScale(cfg.url, req, cfg.secret.reveal(), cfg.timeout, signal);
            mem.size = reported ?? v.suggested;
            if (dir === 'out') mem.lastOutAt = deps.clock.now();
            else mem.lastInAt = deps.clock.now();
          }
          const line = describe(service, dir, v);
          log.info({ service, direction: dir, verdict: v.kind }, line);
          lines.push(line);
        }
        return { answer: lines.length ? lines.join('; ') : 'no alert names a service: nothing to scale' };
      },
    };
  },
};
