import type { z } from 'zod';
import type { Source } from '../source';
import { heartbeatSource } from './heartbeat';
import { hostMetricsSource } from './host';
import { type SettingsOf, type SourceKind, type SourceKindDeps } from './kind';
import { lifecycleSource } from './lifecycle';
import { logsSource } from './logs';
import { probesSource } from './probes';
import { statsSource } from './stats';

/**
 * Every source kind, keyed by its section under `collector:`, in the order they start.
 * Adding a kind: a folder whose index exports `defineSource({schema, enabled, create})`, and a
 * line here; its config section and its place in the collector follow from this map.
 */
export const SOURCES = {
  lifecycle: lifecycleSource,
  stats: statsSource,
  host_metrics: hostMetricsSource,
  heartbeat: heartbeatSource,
  logs: logsSource,
  probes: probesSource,
};

type Kinds = typeof SOURCES;
type WithSettings = { [K in keyof Kinds]: Kinds[K]['schema'] extends z.ZodType ? K : never }[keyof Kinds];

/** The `collector:` keys the source kinds own, each with its schema. */
export type SourceSectionSchemas = { [K in WithSettings]: Exclude<Kinds[K]['schema'], undefined> };
export type SourceSettings = { [K in WithSettings]: SettingsOf<Kinds[K]['schema']> };

export const sourceSectionSchemas = Object.fromEntries(
  Object.entries(SOURCES).flatMap(([key, kind]) => (kind.schema ? [[key, kind.schema]] : [])),
) as SourceSectionSchemas;

/** The sources the settings ask for, in SOURCES order. */
export function createSources(settings: SourceSettings, deps: SourceKindDeps): Source[] {
  const out: Source[] = [];
  for (const [key, kind] of Object.entries(SOURCES) as Array<[keyof Kinds, SourceKind]>) {
    const config: unknown = key in settings ? settings[key as WithSettings] : undefined;
    if (kind.enabled && !kind.enabled(config)) continue;
    out.push(kind.create(config, deps));
  }
  return out;
}
