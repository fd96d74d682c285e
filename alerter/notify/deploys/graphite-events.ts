/**
 * Deploy markers for the dashboards: graphite-web's events API (POST /events/), which the
 * dashboards' deploy annotation reads by tag.
 */
import { checkStatus, networkError } from '../http';
import type { Notifier } from '../types';
import { DEPLOY_EVENT_TAG, sanitiseSegment } from '../../../dashboards/catalog';
import { deadline } from '../../../core/deadline';

export const GRAPHITE_EVENTS_RECEIVER = 'graphite-events';

export function graphiteEventsNotifier(baseUrl: string, timeoutMs: number): Notifier {
  return {
    name: GRAPHITE_EVENTS_RECEIVER,
    type: 'graphite-events',
    send() {
      return Promise.reject(new Error('graphite events take deploys only'));
    },
    async sendChange(c, signal) {
      const body = JSON.stringify({
        what: `deploy ${c.service} on ${c.host}`,
        tags: [DEPLOY_EVENT_TAG, sanitiseSegment(c.service), sanitiseSegment(c.host)],
        when: Math.floor(c.at / 1000),
        data: `${c.fromImage} -> ${c.toImage} (${c.containers.join(', ')})`,
      });
      const limit = deadline(timeoutMs, signal);
      try {
        let res: Response;
        try {
          res = await fetch(`${baseUrl.replace(/\/+$/, '')}/events/`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: limit.signal,
          });
        } catch (err) {
          throw networkError('graphite-web', err);
        }
        checkStatus('graphite-web events', res.status, await res.text().catch(() => ''));
        return { answer: String(res.status) };
      } finally {
        limit.done();
      }
    },
  };
}
