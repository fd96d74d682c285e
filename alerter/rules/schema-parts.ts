import { z } from 'zod';
import { duration } from '../../core/config/types';
import { METRIC_NAMES } from '../../core/metrics-catalog';
import { closest } from './hint';

/** What every rule kind's schema is made of (each kind's own schema is in engine/kinds/<kind>.ts). */

export const regexText = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `regex does not compile: ${(err as Error).message}` });
  }
});

export const metricName = z.string().superRefine((s, ctx) => {
  if (METRIC_NAMES.has(s)) return;
  const near = closest(s, [...METRIC_NAMES]);
  ctx.addIssue({
    code: 'custom',
    message: `metric "${s}" is not emitted by any collector (the list: docs/metrics.md; your own Graphite series: kind graphite)${near ? `; did you mean "${near}"?` : ''}`,
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

export const common = {
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.:-]*$/, 'a rule name is a letter then letters, digits, _ . : or -'),
  where: z.record(z.string(), matcherSchema).optional(),
  group_by: z.array(z.string()).optional(),
  for: duration().optional(),
  keep_firing_for: duration().optional(),
  severity: z.enum(SEVERITIES).default('warning'),
  /** Optional: without one, alerts get a generated line (alerter/rules/default-summary.ts). */
  summary: z.string().min(1).optional(),
  description: z.string().optional(),
  runbook: z.string().optional(),
  dashboard: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  on_no_data: z.enum(['keep', 'fire', 'resolve']).default('keep'),
};

export const compare = {
  op: z.enum(OPS).default('>'),
  threshold: z.number(),
  /** Hysteresis: a firing alert resolves only once the value is past this one (e.g. fire > 80, clear < 70). */
  clear: z.number().optional(),
};
