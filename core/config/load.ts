import fs from 'node:fs';
import YAML from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors';
import { validateYaml } from './located';

/** LOOKOUT_* variables that are not settings. */
const RESERVED_ENV = new Set(['LOOKOUT_CONFIG', 'LOOKOUT_FROM_SOURCE']);

/**
 * Settings from the environment: `LOOKOUT_COLLECTOR__STATS__INTERVAL=5s` sets
 * `collector.stats.interval`. A double underscore separates levels (keys themselves use single
 * underscores); values are read as YAML scalars, so `true`, `5` and `[a, b]` work.
 */
export function envOverrides(
  env: NodeJS.ProcessEnv,
  topKeys?: ReadonlySet<string>,
): Array<{ name: string; path: string[]; value: unknown }> {
  const out: Array<{ name: string; path: string[]; value: unknown }> = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('LOOKOUT_') || RESERVED_ENV.has(name) || raw === undefined) continue;
    const path = name.slice('LOOKOUT_'.length).toLowerCase().split('__').filter(Boolean);
    if (path.length === 0) continue;
    // LOOKOUT_TEST_IMAGE and the like are not settings: a single-level name counts only when it
    // is a top-level key. A nested one (with __) is always a setting, so its typos are reported.
    if (path.length === 1 && topKeys && !topKeys.has(path[0]!)) continue;
    let value: unknown;
    try {
      value = YAML.parse(raw) as unknown;
    } catch {
      value = raw;
    }
    out.push({ name, path, value });
  }
  return out;
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Loads the config: the YAML file if any, then LOOKOUT_* env overrides, validated by `schema`.
 * Throws a ConfigError listing every problem, each located in the file (or naming the env variable).
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  opts: { file?: string; env?: NodeJS.ProcessEnv } = {},
): z.output<S> {
  const env = opts.env ?? process.env;
  const file = opts.file ?? '<defaults>';
  let text = '';
  if (opts.file) {
    try {
      text = fs.readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new ConfigError([
        {
          file,
          line: 0,
          col: 0,
          key: '',
          message: `cannot read config: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        },
      ]);
    }
  }
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  const overrides = envOverrides(env, shape ? new Set(Object.keys(shape)) : undefined);
  const result = validateYaml(file, text, schema, (value) => {
    const base = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    for (const o of overrides) setIn(base, o.path, o.value);
    return base;
  });
  if (result.problems.length === 0) return result.value as z.output<S>;
  // A problem in a key an env variable set is the variable's fault: say so.
  // An unknown key above the variable's leaf (LOOKOUT_COLECTOR__INTERVAL) is its fault too.
  const problems: ConfigProblem[] = result.problems.map((p) => {
    const o = overrides.find((x) => {
      const key = x.path.join('.');
      if (p.key === key || p.key.startsWith(`${key}.`)) return true;
      return p.message.startsWith('unknown key') && key.startsWith(`${p.key}.`);
    });
    return o ? { ...p, file: `env ${o.name}`, line: 0, col: 0 } : p;
  });
  throw new ConfigError(problems);
}
