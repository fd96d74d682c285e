/**
 * Deploy markers for the dashboards: graphite-web's events API (POST /events/), which the
 * dashboards' deploy annotation reads by tag. Not a receiver a user lists: receivers.ts adds
 * it when deploys are on and a graphite-web URL is known, under the reserved name below.
 */
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { deadline } from '../../../core/deadline';
import { DEPLOY_EVENT_TAG, sanitiseSegment } from '../../../dashboards/catalog';
import { checkStatus, networkError } from '../http';
import type { ChangeNotice, NotifierKind } from '../types';

export const GRAPHITE_EVENTS_RECEIVER = 'graphite-events';

export const graphiteEventsSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('graphite-events'),
    /** graphite-web's base URL (deploys.graphite_url, else links.graphite_url). */
    url: z.string().url(),
    timeout: duration().prefault('10s'),
  })
  .strict();

function eventBody(c: ChangeNotice): string {
  return JSON.stringify({
    what: `deploy ${c.service} on ${c.host}`,
    tags: [DEPLOY_EVENT_TAG, sanitiseSegment(c.service), sanitiseSegment(c.host)],
    when: Math.floor(c.at / 1000),
    data: `${c.fromImage} -> ${c.toImage} (${c.containers.join(', ')})`,
  });
}

export const graphiteEventsKind: NotifierKind<typeof graphiteEventsSchema> = {
  type: 'graphite-events',
  schema: graphiteEventsSchema,
  pages: false,
  // A marker wakes no one, so it can wait out a graphite-web restart or outage: 50 attempts,
  // backing off to a minute, keep it for 30 to 45 minutes before it is given up.
  retry: { initialMs: 1000, maxMs: 60_000, factor: 2, maxAttempts: 50, jitter: 0.3 },
  create(cfg) {
    const url = `${cfg.url.replace(/\/+$/, '')}/events/`;
    return {
      name: cfg.name,
      type: 'graphite-events',
      send() {
        return Promise.reject(new Error('graphite events take deploys only'));
      },
      async sendChange(c, signal) {
        const limit = deadline(cfg.timeout, signal);
        try {
          let res: Response;
          try {
            res = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: eventBody(c),
              signal: limit.signal,
            });
          } catch (err) {
            throw networkError('graphite-web', err, url);
          }
          checkStatus('graphite-web events', res.status, await res.text().catch(() => ''));
          return { answer: String(res.status) };
        } finally {
          limit.done();
        }
      },
    };
  },
};
