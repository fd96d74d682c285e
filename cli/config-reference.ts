import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatDuration } from '../core/duration';
import { table } from '../core/metrics-doc';
import { configSchema } from './config';

/*
 * docs/config.md: every key of lookout.yaml with its type, default and whether it is required,
 * generated from the same zod schema that validates the file, so it cannot drift. The README
 * explains the keys that matter most; this is the complete list it was missing (a third of the
 * keys were named nowhere). `npx tsx cli/config-reference.ts` writes it; its test fails when
 * it is stale.
 */

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

type Row = [key: string, type: string, fallback: string];

const isSecret = (s: JsonSchema) =>
  (s.anyOf ?? []).length === 2 && (s.anyOf ?? []).every((x) => x.properties?.env ?? x.properties?.file);

function typeOf(s: JsonSchema): string {
  if (isSecret(s)) return 'secret: `{env: NAME}` or `{file: PATH}`';
  if (s.const !== undefined) return `\`${JSON.stringify(s.const).replace(/^"|"$/g, '')}\``;
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(' or ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'values'}`;
  if (s.type === 'object') return s.properties ? 'section' : 'map';
  return s.type ?? 'any';
}

/**
 * The schema's own default, else the value an empty config parses to: durations and sizes are
 * defaulted before they are parsed (a prefault), which JSON Schema does not show.
 */
function defaultOf(s: JsonSchema, required: boolean, parsed?: unknown): string {
  let value = s.default;
  if (value === undefined && parsed !== undefined && typeof parsed !== 'object') {
    value = s.type === 'string' && typeof parsed === 'number' ? formatDuration(parsed) : parsed;
  }
  if (value === undefined) return required ? 'required' : '';
  const text = JSON.stringify(value);
  if (text === '{}') return '';
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``;
}

/** A list whose items are one of several kinds (sinks, receivers): one block of rows per kind. */
function variantsOf(s: JsonSchema): Array<[string, JsonSchema]> | undefined {
  const items = s.type === 'array' ? (s.items?.oneOf ?? s.items?.anyOf) : undefined;
  if (!items?.every((x) => x.properties?.type?.const !== undefined)) return undefined;
  return items.map((x) => [String(x.properties!.type!.const), x]);
}

function rows(s: JsonSchema, prefix: string, out: Row[], parsed?: unknown): Row[] {
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const parsedChild = (parsed as Record<string, unknown> | undefined)?.[key];
    const name = prefix ? `${prefix}.${key}` : key;
    const required = (s.required ?? []).includes(key);
    const variants = variantsOf(child);
    if (variants) {
      out.push([`\`${name}\``, 'list, each one of the kinds below', defaultOf(child, required)]);
      for (const [kind, v] of variants) rows(v, `${name}[type: ${kind}]`, out);
      continue;
    }
    out.push([`\`${name}\``, typeOf(child), defaultOf(child, required, parsedChild)]);
    if (child.type === 'object' && child.properties) rows(child, name, out, parsedChild);
    if (child.type === 'array' && child.items?.properties) rows(child.items, `${name}[]`, out);
  }
  return out;
}

export function configReference(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const body = rows(schema, '', [], configSchema.parse({})).map((r) => r.map((c) => c.replace(/\|/g, '\\|')));
  return [
    '# Config keys',
    '',
    'Generated from the config schema (`cli/config.ts` and the sections it imports) by',
    '`npx tsx cli/config-reference.ts`; do not edit by hand. The README explains the keys that',
    'matter most. Durations are written `500ms`, `10s`, `5m`, `1h`; every key can also come from',
    'the environment as `LOOKOUT_<SECTION>__<KEY>`.',
    '',
    ...table(['key', 'type', 'default'], body),
    '',
  ].join('\n');
}

if (require.main === module) {
  const file = path.join(__dirname, '..', 'docs', 'config.md');
  fs.writeFileSync(file, configReference());
  process.stdout.write(`wrote ${file}\n`);
}
