import { z } from 'zod';
import { RULE_KIND_REGISTRY } from '../engine/kinds';
import { lineMatchSchema, matcherSchema } from './schema-parts';

export { matcherSchema, lineMatchSchema, SEVERITIES, OPS, REDUCERS } from './schema-parts';

/**
 * The rule file format. Each kind's schema lives beside its evaluator (engine/kinds/<kind>.ts)
 * and is registered once (engine/kinds/index.ts); the checker, the compiler and the JSON Schema
 * for editors all come from that one registry, so they cannot disagree.
 */

type Registry = typeof RULE_KIND_REGISTRY;
export type RuleKind = keyof Registry;
type RuleSchema = Registry[RuleKind]['schema'];

export const RULE_SCHEMAS = Object.fromEntries(
  Object.entries(RULE_KIND_REGISTRY).map(([kind, k]) => [kind, k.schema]),
) as { [K in RuleKind]: Registry[K]['schema'] };
export const RULE_KINDS = Object.keys(RULE_SCHEMAS) as RuleKind[];

export const ruleSchema = z.discriminatedUnion(
  'kind',
  Object.values(RULE_SCHEMAS) as [RuleSchema, ...RuleSchema[]],
);
export type RuleSpec = z.output<typeof ruleSchema>;
export type RuleOf<K extends RuleKind> = Extract<RuleSpec, { kind: K }>;
export type LineMatch = z.output<typeof lineMatchSchema>;
export type Matcher = z.output<typeof matcherSchema>;

/** A rule file: `rules:` and nothing else. Rules are validated one by one (see load.ts) to locate every problem. */
export const ruleFileSchema = z.object({ rules: z.array(z.unknown()) }).strict();

/** The schema editors see: the file with fully typed rules. */
export const ruleFileEditorSchema = z.object({ rules: z.array(ruleSchema) }).strict();
