import { z } from 'zod';
import { duration } from '../../core/config/types';
import { METRIC_NAMES } from '../../core/metrics-catalog';
import { closest } from './hint';

/**
 * The rule file format, one zod schema per kind. The checker, the compiler and the JSON Schema
 * for editors all come from here, so they cannot disagree.
 */

const regexText = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `regex does not compile: ${(err as Error).message}` });
  }
});

const metricName = z.string().superRefine((s, ctx) => {
  if (METRIC_NAMES.has(s)) return;
  const near = closest(s, [...METRIC_NAMES]);
  ctx.addIssue({
    code: 'custom',
    message: `metric "${s}" is not emitted by any collector (see core/metrics-catalog.ts)${near ? `; did you mean "${near}"?` : ''}`,
  });
});

/** A label matcher: a plain value means equal. */
export const matcherSchema = z.union(
  [
    z.string(),
    z.object({ not: z.string() }).strict(),
    z.object({ regex: regexText }).strict(),
    z.object({ not_regex: regexText }).strict(),
    z.object({ in: z.array(z.string()).min(1) }).strict(),
  ],
  { error: 'a matcher is a value, or {not: v}, {regex: re}, {not_regex: re} or {in: [v, ...]}' },
);

/** How a log line is matched: a substring, a regex, or a field of the parsed line compared with a value. */
const lineMatcher = z.union(
  [
    z.object({ contains: z.string().min(1), ignore_case: z.boolean().optional() }).strict(),
    z.object({ regex: regexText, ignore_case: z.boolean().optional() }).strict(),
    z
      .object({
        field: z.string().min(1),
        op: z.enum(['==', '!=', '>', '>=', '<', '<=', 'in', 'exists']).default('=='),
        value: z
          .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
          .optional(),
      })
      .strict(),
  ],
  { error: 'a line matcher is {contains: text}, {regex: re} or {field: name, op: ==, value: v}' },
);
export const lineMatchSchema = z.union([lineMatcher, z.array(lineMatcher).min(1)]);

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
export const REDUCERS = [
  'avg',
  'min',
  'max',
  'sum',
  'count',
  'rate',
  'last',
  'p50',
  'p90',
  'p95',
  'p99',
] as const;

const common = {
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.:-]*$/, 'a rule name is a letter then letters, digits, _ . : or -'),
  where: z.record(z.string(), matcherSchema).optional(),
  group_by: z.array(z.string()).optional(),
  for: duration().optional(),
  keep_firing_for: duration().optional(),
  severity: z.enum(SEVERITIES).default('warning'),
  summary: z.string().min(1),
  description: z.string().optional(),
  runbook: z.string().optional(),
  dashboard: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  on_no_data: z.enum(['keep', 'fire', 'resolve']).default('keep'),
};

const compare = {
  op: z.enum(OPS).default('>'),
  threshold: z.number(),
  /** Hysteresis: a firing alert resolves only once the value is past this one (e.g. fire > 80, clear < 70). */
  clear: z.number().optional(),
};

export const thresholdRule = z
  .object({
    kind: z.literal('threshold'),
    ...common,
    metric: metricName,
    reduce: z.enum(REDUCERS).default('avg'),
    window: duration(),
    ...compare,
  })
  .strict();

export const absenceRule = z
  .object({
    kind: z.literal('absence'),
    ...common,
    /** heartbeat: a host's collector; metric/log: a series seen before; service: fewer than min_running containers. */
    of: z.enum(['heartbeat', 'metric', 'log', 'service']),
    metric: metricName.optional(),
    after: duration(),
    min_running: z.number().int().positive().optional(),
    /** Forget a series (host, container) silent this long: it was removed, not broken. */
    forget_after: duration().optional(),
  })
  .strict();

export const logMatchRule = z
  .object({
    kind: z.literal('log_match'),
    ...common,
    match: lineMatchSchema,
    window: duration(),
    min_count: z.number().int().positive().default(1),
  })
  .strict();

export const ratioRule = z
  .object({
    kind: z.literal('ratio'),
    ...common,
    match: lineMatchSchema,
    window: duration(),
    min_total: z.number().int().nonnegative().default(10),
    ...compare,
  })
  .strict();

export const lifecycleRule = z
  .object({
    kind: z.literal('lifecycle'),
    ...common,
    condition: z.enum(['crash_loop', 'oom_killed', 'unhealthy', 'exited']),
    /** crash_loop: this many deaths within `window`. */
    count: z.number().int().positive().optional(),
    window: duration().optional(),
    ignore_exit_codes: z.array(z.number().int()).optional(),
  })
  .strict();

export const spikeRule = z
  .object({
    kind: z.literal('spike'),
    ...common,
    metric: metricName.optional(),
    match: lineMatchSchema.optional(),
    reduce: z.enum(['sum', 'count', 'avg']).default('sum'),
    window: duration(),
    factor: z.number().gt(1),
    direction: z.enum(['up', 'down', 'both']).default('up'),
    min_current: z.number().nonnegative().default(0),
    min_previous: z.number().nonnegative().default(1),
  })
  .strict();

export const RULE_SCHEMAS = {
  threshold: thresholdRule,
  absence: absenceRule,
  log_match: logMatchRule,
  ratio: ratioRule,
  lifecycle: lifecycleRule,
  spike: spikeRule,
} as const;

export type RuleKind = keyof typeof RULE_SCHEMAS;
export const RULE_KINDS = Object.keys(RULE_SCHEMAS) as RuleKind[];

export const ruleSchema = z.discriminatedUnion('kind', [
  thresholdRule,
  absenceRule,
  logMatchRule,
  ratioRule,
  lifecycleRule,
  spikeRule,
]);
export type RuleSpec = z.output<typeof ruleSchema>;
export type RuleOf<K extends RuleKind> = Extract<RuleSpec, { kind: K }>;
export type LineMatch = z.output<typeof lineMatchSchema>;
export type Matcher = z.output<typeof matcherSchema>;

/** A rule file: `rules:` and nothing else. Rules are validated one by one (see load.ts) to locate every problem. */
export const ruleFileSchema = z.object({ rules: z.array(z.unknown()) }).strict();

/** The schema editors see: the file with fully typed rules. */
export const ruleFileEditorSchema = z.object({ rules: z.array(ruleSchema) }).strict();
