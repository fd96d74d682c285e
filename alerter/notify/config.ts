/**
 * The `notify` section of the config: receivers, the route tree, inhibition, grouping
 * defaults, the HTTP API, links, watchdog, deploy events. The lead composes it into cli/config.
 */
import { z } from 'zod';
import { duration, hostPort, secret } from '../../core/config/types';
import { linksConfigSchema } from '../links/config';
import { GRAPHITE_EVENTS_RECEIVER } from './deploys/graphite-events';
import { receiverSchemas } from './registry';
import { apiAccessProblem, readsSchema } from '../api/access';

const labelMap = z.record(z.string(), z.string());

/** Label matchers every stage shares: `match` (equality, '' means absent) and `match_re`. */
const matchers = {
  match: labelMap.optional(),
  match_re: labelMap.optional(),
};

export interface RouteConfig {
  receiver?: string;
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  /** Keep looking for further matching siblings after this route matched. */
  continue: boolean;
  group_by?: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  routes: RouteConfig[];
}

const routeSchema: z.ZodType<RouteConfig> = z.lazy(() =>
  z
    .object({
      receiver: z.string().optional(),
      ...matchers,
      continue: z.boolean().default(false),
      group_by: z.array(z.string()).optional(),
      group_wait: duration().optional(),
      group_interval: duration().optional(),
      repeat_interval: duration().optional(),
      routes: z.array(routeSchema).default([]),
    })
    .strict(),
);

const inhibitRuleSchema = z
  .object({
    /** Shown in the decision log and on the page that carries the muted alert ("superseded by ..."). */
    name: z.string().optional(),
    source_match: labelMap.optional(),
    source_match_re: labelMap.optional(),
    target_match: labelMap.optional(),
    target_match_re: labelMap.optional(),
    /** Labels that must have the same value on source and target. */
    equal: z.array(z.string()).default([]),
  })
  .strict();

export type InhibitRule = z.output<typeof inhibitRuleSchema>;

/**
 * One problem, one notification. The defaults, as data a user can read and replace:
 * - a silent host mutes its containers' alerts (`kind` is the rule kind, and a match on ''
 *   means the label is absent, as in Alertmanager: an absence alert with no container, service
 *   or probe target is a host that stopped reporting; a service short of containers is an
 *   absence too, but says nothing about the others);
 * - a crash loop supersedes "down" and "OOM-killed" for the same container: they describe the
 *   loop's deaths, and the loop's page lists them;
 * - a critical mutes the warning beside it.
 * Whatever a rule says, nothing mutes an alert more severe than itself (inhibit.ts).
 */
export const DEFAULT_INHIBIT_RULES: InhibitRule[] = [
  {
    name: 'host silent',
    source_match: { kind: 'absence', container: '', service: '', target: '' },
    target_match_re: { container: '.+' },
    equal: ['host'],
  },
  {
    // A stopped or hung dockerd makes every container look down or silent: those are its symptoms.
    name: 'engine down',
    source_match: { rule: 'docker_engine_down' },
    target_match_re: { container: '.+' },
    equal: ['host'],
  },
  {
    name: 'crash loop supersedes down and OOM',
    source_match: { rule: 'container_crash_loop' },
    target_match_re: { rule: 'container_down|container_oom_killed' },
    equal: ['host', 'container'],
  },
  {
    name: 'critical mutes warning',
    source_match: { severity: 'critical' },
    target_match: { severity: 'warning' },
    equal: ['host', 'container', 'service'],
  },
];

const aggregateRuleSchema = z
  .object({
    match: labelMap.optional(),
    match_re: labelMap.optional(),
    /** Alerts agreeing on these labels are one problem once `min_alerts` of them fire. */
    by: z.array(z.string()).min(1),
    min_alerts: z.number().int().min(2).default(2),
    /** How often the aggregate's page is updated as members come and go (updates page nobody). */
    interval: duration().prefault('30s'),
  })
  .strict();

export type AggregateRule = z.output<typeof aggregateRuleSchema>;

/**
 * Storms on paging receivers: the first container alert of a rule on a host pages alone; once a
 * second one fires they are told as one aggregate page whose updates carry the count (a bad
 * deploy of a compose service, a host's disk or network gone). So 20 containers crash-looping
 * make at most 2 notifications. Only the third and later of one rule on one host ride on an
 * update; `aggregate: []` turns this off, `by: [rule, service]` aggregates a service across hosts.
 */
export const DEFAULT_AGGREGATE_RULES: AggregateRule[] = [
  { match_re: { container: '.+' }, by: ['rule', 'host'], min_alerts: 2, interval: 30_000 },
];

export const receiverSchema = z.discriminatedUnion('type', receiverSchemas);
export type ReceiverConfig = z.output<typeof receiverSchema>;

export const notifyConfigSchema = z
  .object({
    receivers: z.array(receiverSchema).default([]),
    /** The root route; its receiver is the default. Unset: the first receiver, or the console. */
    route: routeSchema.optional(),
    inhibit_rules: z.array(inhibitRuleSchema).default(DEFAULT_INHIBIT_RULES),
    /**
     * Grouping everywhere; unset keys take the receiver kind's default (grouping.ts): a paging
     * receiver gets one notification per alert, a digest (mail, webhook, console) one per host.
     */
    group: z
      .object({
        by: z.array(z.string()).optional(),
        wait: duration().optional(),
        interval: duration().optional(),
        repeat_interval: duration().optional(),
      })
      .strict()
      .prefault({}),
    aggregate: z.array(aggregateRuleSchema).default(DEFAULT_AGGREGATE_RULES),
    /** An alert that changes state more than `max_changes` times within `window` is held firing and announced once. */
    flapping: z
      .object({ max_changes: z.number().int().positive().default(6), window: duration().prefault('30m') })
      .strict()
      .prefault({}),
    /** How often the dispatcher looks at groups and the outbox. */
    tick: duration().prefault('1s'),
    api: z
      .object({
        enabled: z.boolean().default(true),
        listen: hostPort(9465).prefault('127.0.0.1:9465'),
        /** Bearer token writes (silences, acks) must carry; without one, writes are refused. */
        token: secret().optional(),
        /** Whether reads need the token; unset: only when the listener is beyond loopback (api/access.ts). */
        reads: readsSchema,
      })
      .strict()
      .superRefine((api, ctx) => {
        const problem = apiAccessProblem(api);
        if (problem) ctx.addIssue({ code: 'custom', ...problem });
      })
      .prefault({}),
    links: linksConfigSchema.prefault({}),
    /** Dead man's switch: while healthy, GET this URL every interval. */
    watchdog: z
      .object({
        url: z.string().url(),
        interval: duration().prefault('1m'),
        timeout: duration().prefault('10s'),
      })
      .strict()
      .optional(),
    deploys: z
      .object({
        enabled: z.boolean().default(true),
        /** Receivers that get a change event (PagerDuty, webhook); default: every one that can. */
        receivers: z.array(z.string()).optional(),
        /** graphite-web base URL for deploy events (its /events/ API); default: links.graphite_url. */
        graphite_url: z.string().url().optional(),
        /** A replacement counts as one deploy when the new container starts within this of the old one going. */
        window: duration().prefault('10m'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.receivers.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', i, 'name'],
          message: `receiver "${r.name}" is defined twice`,
        });
      names.add(r.name);
    });
    // The deploy markers are added under this name (receivers.ts): a listed receiver of that
    // name would be replaced by them without a word.
    const markers = cfg.deploys.enabled && (cfg.deploys.graphite_url ?? cfg.links.graphite_url);
    const taken = cfg.receivers.findIndex((r) => r.name === GRAPHITE_EVENTS_RECEIVER);
    if (markers && taken >= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['receivers', taken, 'name'],
        message: `the name "${GRAPHITE_EVENTS_RECEIVER}" is taken by the deploy markers sent to graphite-web; rename this receiver`,
      });
    const walk = (r: RouteConfig | undefined, path: (string | number)[]) => {
      if (!r) return;
      if (
        r.receiver !== undefined &&
        !names.has(r.receiver) &&
        !(names.size === 0 && r.receiver === 'console')
      )
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'receiver'],
          message: `no receiver named "${r.receiver}" (known: ${[...names].join(', ') || 'none'})`,
        });
      for (const [k, re] of Object.entries(r.match_re ?? {})) {
        try {
          new RegExp(re);
        } catch {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'match_re', k],
            message: `"${re}" is not a regular expression`,
          });
        }
      }
      r.routes.forEach((c, i) => walk(c, [...path, 'routes', i]));
    };
    walk(cfg.route, ['route']);
  });

export type NotifyConfig = z.output<typeof notifyConfigSchema>;

/** The defaults, parsed: what `notify: {}` means. */
export function defaultNotifyConfig(): NotifyConfig {
  return notifyConfigSchema.parse({});
}
