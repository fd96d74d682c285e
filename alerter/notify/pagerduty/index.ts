/**
 * PagerDuty Events API v2 through @pagerduty/pdjs: `trigger` while a group fires, `resolve`
 * when it has resolved, both under the group's incident key as `dedup_key`, so a repeat, a
 * retry or a second alerter updates one PagerDuty alert instead of opening another. By default
 * a group is one alert (grouping.ts), so its key is the alert's own: PagerDuty notifies on a new
 * key only, and every distinct problem must have one.
 * https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
 */
import fs from 'node:fs';
import https from 'node:https';
import type { event as pdEvent } from '@pagerduty/pdjs';
import type { EventPayloadV2 } from '@pagerduty/pdjs/build/src/events';
import { z } from 'zod';
import { duration, secret } from '../../../core/config/types';
import { checkStatus, cut, networkError } from '../http';
import { title } from '../render';
import type { ChangeNotice, Notification, NotifiedAlert, NotifierKind } from '../types';
import { deadline } from '../../../core/deadline';

export const pagerdutySchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('pagerduty'),
    /** The integration's routing key (Events API v2), from env or a file. */
    routing_key: secret(),
    /** `events.pagerduty.com`, `events.eu.pagerduty.com`, or host:port of a test server. */
    events_host: z.string().default('events.pagerduty.com'),
    timeout: duration().prefault('10s'),
    /** Extra CA certificate (PEM) to trust, for a TLS-intercepting proxy or a test server. */
    ca_file: z.string().optional(),
  })
  .strict();

type Config = z.output<typeof pagerdutySchema>;

/** pdjs is loaded on the first page, not at start: a collector that never pages never pays its memory. */
let pdjs: typeof pdEvent | undefined;
function loadPdjs(): typeof pdEvent {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pdjs ??= (require('@pagerduty/pdjs') as { event: typeof pdEvent }).event;
  return pdjs;
}

/** pdjs resolves on any status; this is the part of its answer we read. */
interface PdAnswer {
  status: number;
  data?: { status?: string; message?: string; errors?: string[] };
}

async function post(
  cfg: Config,
  agent: https.Agent | undefined,
  type: 'event' | 'change',
  data: object,
  signal: AbortSignal,
): Promise<string> {
  let res: PdAnswer;
  const limit = deadline(cfg.timeout, signal);
  try {
    res = await loadPdjs()({
      server: cfg.events_host,
      type,
      data: data as EventPayloadV2,
      signal: limit.signal,
      // pdjs's own timer only keeps the process alive; our signal is the deadline.
      requestTimeout: 0,
      // pdjs retries a 429 by itself after 20 s; with 0 it asks again at once and then hands
      // the 429 back to us, so the outbox's backoff stays the one retry policy that counts.
      retryTimeout: 0,
      ...(agent ? { agent } : {}),
    });
  } catch (err) {
    throw networkError('PagerDuty', err);
  } finally {
    limit.done();
  }
  const detail = [res.data?.message, ...(res.data?.errors ?? [])].filter(Boolean).join('; ');
  checkStatus('PagerDuty', res.status, detail);
  return `${res.status} ${res.data?.status ?? ''} ${res.data?.message ?? ''}`.trim();
}

const MAX_LISTED = 100;

const severityMap = { critical: 'critical', error: 'error', warning: 'warning', info: 'info' } as const;

/** What the incident shows under "custom details": the lead alert, then the group's others. */
function customDetails(n: Notification, lead: NotifiedAlert): Record<string, unknown> {
  const details: Record<string, unknown> = {
    labels: lead.labels,
    value: lead.value,
    threshold: lead.threshold,
    affected: n.affected ?? n.firing.length,
    fired_at: lead.firedAt === undefined ? undefined : new Date(lead.firedAt).toISOString(),
    last_lines: lead.lastLines,
    last_death: lead.death,
    description: lead.description,
  };
  if (n.aggregate) details.aggregate = n.aggregate;
  // PagerDuty refuses events over 512 KB: a storm lists its first alerts and counts the rest.
  if (n.firing.length > MAX_LISTED) details.alerts_not_listed = n.firing.length - MAX_LISTED;
  // Each alert with its own links: the engineer lands on the right container's graph.
  if (n.firing.length > 1 || n.aggregate)
    details.alerts = n.firing.slice(0, MAX_LISTED).map((a) => ({
      rule: a.rule,
      summary: a.summary,
      labels: a.labels,
      value: a.value,
      links: a.links,
    }));
  if (n.related?.length)
    details.related = n.related.slice(0, MAX_LISTED).map((r) => ({
      rule: r.rule,
      summary: r.summary,
      labels: r.labels,
      muted_because: r.reason,
    }));
  if (n.explainUrl) details.decision_log = n.explainUrl;
  return details;
}

export function pagerdutyEvent(n: Notification, routingKey: string): EventPayloadV2 {
  if (n.status === 'resolved')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: n.incidentKey } as EventPayloadV2;
  const lead = n.firing[0]!;
  const worst = n.firing.reduce((w, a) => (rank[a.severity] < rank[w] ? a.severity : w), lead.severity);
  const host = n.groupLabels.host ?? lead.labels.host ?? 'unknown';
  const component = lead.labels.container ?? lead.labels.service;
  const details = customDetails(n, lead);
  const links = [
    ['dashboard', 'Dashboard'],
    ['logs', 'Logs'],
    ['runbook', 'Runbook'],
    ['explain', 'Why this page'],
  ]
    .filter(([k]) => lead.links[k as keyof typeof lead.links])
    .map(([k, text]) => ({ href: lead.links[k as keyof typeof lead.links]!, text }));
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.incidentKey,
    payload: {
      summary: cut(title(n), 1024),
      source: host,
      severity: severityMap[worst],
      timestamp: new Date(lead.firedAt ?? n.at).toISOString(),
      ...(component ? { component } : {}),
      ...(lead.labels.service ? { group: lead.labels.service } : {}),
      class: lead.rule,
      custom_details: JSON.parse(JSON.stringify(details)) as object,
    },
    links,
    images: lead.links.graph
      ? [
          {
            src: lead.links.graph,
            href: lead.links.dashboard ?? lead.links.graph,
            alt: `${lead.metric ?? lead.rule} around the breach`,
          },
        ]
      : [],
  };
}

const rank = { critical: 0, error: 1, warning: 2, info: 3 } as const;

export function pagerdutyChange(c: ChangeNotice, routingKey: string): object {
  return {
    routing_key: routingKey,
    payload: {
      summary: cut(`Deploy of ${c.service} on ${c.host}: ${c.fromImage} → ${c.toImage}`, 1024),
      source: c.host,
      timestamp: new Date(c.at).toISOString(),
      custom_details: {
        service: c.service,
        host: c.host,
        from_image: c.fromImage,
        to_image: c.toImage,
        containers: c.containers,
      },
    },
    links: [],
  };
}

export const pagerdutyKind: NotifierKind<typeof pagerdutySchema> = {
  type: 'pagerduty',
  schema: pagerdutySchema,
  // PagerDuty asks to back off on 429 and 5xx; a page is worth waiting for, so no attempt cap.
  pages: true,
  retry: { initialMs: 1000, maxMs: 60_000, factor: 2, maxAttempts: Infinity, jitter: 0.3 },
  create(cfg) {
    const agent = cfg.ca_file
      ? new https.Agent({ ca: fs.readFileSync(cfg.ca_file), keepAlive: false })
      : undefined;
    return {
      name: cfg.name,
      type: 'pagerduty',
      async send(n, signal) {
        return {
          answer: await post(cfg, agent, 'event', pagerdutyEvent(n, cfg.routing_key.reveal()), signal),
        };
      },
      async sendChange(c, signal) {
        return {
          answer: await post(cfg, agent, 'change', pagerdutyChange(c, cfg.routing_key.reveal()), signal),
        };
      },
      close() {
        agent?.destroy();
        return Promise.resolve();
      },
    };
  },
};
