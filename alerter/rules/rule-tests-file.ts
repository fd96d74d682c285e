import { z } from 'zod';
import { duration } from '../../core/config/types';
import type { ContainerMeta, LookoutEvent } from '../../core/events';
import { graphiteMetricName } from '../graphite/series';

/**
 * The `*.test.yaml` format: events and series at times, and the alerts expected at times, in
 * the spirit of `promtool test rules` but with log lines, Docker events and heartbeats too.
 */

const containerRef = {
  host: z.string().optional(),
  container: z.string().optional(),
  service: z.string().optional(),
  image: z.string().optional(),
  container_labels: z.record(z.string(), z.string()).optional(),
};

const lifecycleInput = z
  .object({
    ...containerRef,
    action: z.enum([
      'create',
      'start',
      'die',
      'oom',
      'kill',
      'stop',
      'restart',
      'pause',
      'unpause',
      'health_status',
      'destroy',
    ]),
    exit_code: z.number().int().optional(),
    health: z.enum(['healthy', 'unhealthy', 'starting']).optional(),
    oom_killed: z.boolean().optional(),
    intent: z.literal('user').optional(),
    signal: z.string().optional(),
  })
  .strict();

const logInput = z
  .object({
    ...containerRef,
    message: z.string(),
    stream: z.enum(['stdout', 'stderr']).default('stdout'),
    level: z.string().optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const heartbeatInput = z
  .object({
    host: z.string().optional(),
    containers: z
      .array(
        z.union([
          z.string(),
          z
            .object({
              name: z.string(),
              service: z.string().optional(),
              container_labels: z.record(z.string(), z.string()).optional(),
            })
            .strict(),
        ]),
      )
      .default([]),
  })
  .strict();

const metricInput = z
  .object({
    ...containerRef,
    metric: z.string(),
    value: z.number(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const eventItem = z
  .object({
    at: duration(),
    /** Repeat every this long until `until` (heartbeats, steady log lines). */
    every: duration().optional(),
    until: duration().optional(),
    lifecycle: lifecycleInput.optional(),
    log: logInput.optional(),
    heartbeat: heartbeatInput.optional(),
    metric: metricInput.optional(),
  })
  .strict()
  .refine(
    (e) => [e.lifecycle, e.log, e.heartbeat, e.metric].filter(Boolean).length === 1,
    'an event is exactly one of lifecycle, log, heartbeat, metric',
  );

const seriesItem = z
  .object({
    ...containerRef,
    /** A collector metric, or (with `series`) the `target` of a Graphite rule. */
    metric: z.string().optional(),
    target: z.string().optional(),
    /** The Graphite series name the target returns; its tags go in `labels`. */
    series: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    from: duration().prefault('0s'),
    every: duration().optional(),
    /** promtool notation: `1 2 3`, `90x10` (11 times), `0+10x5` (0 10 .. 50), `_` for a gap. */
    values: z.string(),
  })
  .strict()
  .refine((s) => (s.metric === undefined) !== (s.target === undefined || s.series === undefined), {
    message: 'a series has either `metric`, or `target` and `series` (a Graphite rule)',
  });

const expectItem = z
  .object({
    at: duration(),
    rule: z.string(),
    firing: z.array(z.record(z.string(), z.string())).optional(),
    pending: z.array(z.record(z.string(), z.string())).optional(),
    resolved: z.array(z.record(z.string(), z.string())).optional(),
  })
  .strict();

export const testCaseSchema = z
  .object({
    name: z.string(),
    events: z.array(eventItem).default([]),
    series: z.array(seriesItem).default([]),
    expect: z.array(expectItem).min(1),
  })
  .strict();

export const testFileSchema = z
  .object({
    /** Rule files, relative to this file. Default: `x.yaml` beside `x.test.yaml`. */
    rule_files: z.array(z.string()).optional(),
    interval: duration().prefault('1s'),
    lateness: duration().prefault('0s'),
    /** Test time 0, ms since the epoch. */
    start: z.number().int().default(1_700_000_000_000),
    tests: z.array(testCaseSchema).min(1),
  })
  .strict();

export type TestFile = z.output<typeof testFileSchema>;
export type TestCase = z.output<typeof testCaseSchema>;

/** Expands promtool's series notation. NaN marks a gap. */
export function expandValues(text: string): number[] | string {
  const out: number[] = [];
  for (const tok of text.trim().split(/\s+/)) {
    const m = /^(_|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?:([+-]\d+(?:\.\d+)?)?x(\d+))?$/.exec(tok);
    if (!m) return `"${tok}" is not a value, a gap (_), "a x n" or "a+b x n"`;
    const start = m[1] === '_' ? NaN : Number(m[1]);
    const stepBy = m[2] ? Number(m[2]) : 0;
    const times = m[3] ? Number(m[3]) + 1 : 1;
    for (let i = 0; i < times; i++) out.push(start + stepBy * i);
  }
  return out;
}

interface Ref {
  host?: string;
  container?: string;
  service?: string;
  image?: string;
  container_labels?: Record<string, string>;
}

const DEFAULT_HOST = 'test-host';

function meta(r: Ref): ContainerMeta {
  const name = r.container ?? 'app';
  return {
    id: `${name}-id`,
    name,
    image: r.image ?? 'local/busybox:full',
    labels: r.container_labels ?? {},
    service: r.service ?? name,
  };
}

type EventInput = TestCase['events'][number];

/** A heartbeat's container: a name, or a name with its service and Docker labels. */
function inventoryEntry(c: z.output<typeof heartbeatInput>['containers'][number]): ContainerMeta {
  if (typeof c === 'string') return meta({ container: c });
  return meta({ container: c.name, service: c.service, container_labels: c.container_labels });
}

/** One input event of a test file at one time. */
function eventOf(e: EventInput, ts: number, n: number): LookoutEvent | undefined {
  if (e.lifecycle) {
    const l = e.lifecycle;
    return {
      kind: 'lifecycle',
      host: l.host ?? DEFAULT_HOST,
      ts,
      action: l.action,
      container: meta(l),
      exitCode: l.exit_code,
      health: l.health,
      oomKilled: l.oom_killed,
      intent: l.intent,
      signal: l.signal,
    };
  }
  if (e.log) {
    const l = e.log;
    return {
      kind: 'log',
      host: l.host ?? DEFAULT_HOST,
      ts,
      container: meta(l),
      stream: l.stream,
      message: l.message,
      time: new Date(ts).toISOString(),
      id: `${l.container ?? 'app'}:${ts}:${n}`,
      level: l.level,
      fields: l.fields,
    };
  }
  if (e.heartbeat) {
    const h = e.heartbeat;
    const containers = h.containers.map(inventoryEntry);
    return {
      kind: 'heartbeat',
      host: h.host ?? DEFAULT_HOST,
      ts,
      source: 'collector',
      containers,
      version: 'test',
    };
  }
  if (e.metric) {
    const mm = e.metric;
    return {
      kind: 'metric',
      host: mm.host ?? DEFAULT_HOST,
      ts,
      name: mm.metric,
      value: mm.value,
      type: 'gauge',
      container: mm.container ? meta(mm) : undefined,
      labels: mm.labels,
    };
  }
  return undefined;
}

/** A `series:` entry as metric samples, one per value; a gap (NaN) is no sample. */
function seriesEvents(
  s: TestCase['series'][number],
  start: number,
  interval: number,
): LookoutEvent[] | string {
  const values = expandValues(s.values);
  if (typeof values === 'string') return values;
  const every = s.every ?? interval;
  const out: LookoutEvent[] = [];
  values.forEach((value, i) => {
    if (Number.isNaN(value)) return;
    out.push({
      kind: 'metric',
      host: s.host ?? DEFAULT_HOST,
      ts: start + s.from + i * every,
      name: s.metric ?? graphiteMetricName(s.target!),
      value,
      type: 'gauge',
      container: s.container ? meta(s) : undefined,
      labels: s.series === undefined ? s.labels : { ...s.labels, series: s.series },
    });
  });
  return out;
}

/** One test's inputs as events in time order (stable for equal times). */
export function testEvents(tc: TestCase, start: number, interval: number): LookoutEvent[] | string {
  const out: LookoutEvent[] = [];
  for (const e of tc.events) {
    const end = e.every ? (e.until ?? e.at) : e.at;
    for (let at = e.at; at <= end; at += e.every ?? Infinity) {
      const ev = eventOf(e, start + at, out.length);
      if (ev) out.push(ev);
    }
  }
  for (const s of tc.series) {
    const evs = seriesEvents(s, start, interval);
    if (typeof evs === 'string') return evs;
    out.push(...evs);
  }
  return out
    .map((ev, i) => ({ ev, i }))
    .sort((a, b) => a.ev.ts - b.ev.ts || a.i - b.i)
    .map((x) => x.ev);
}
