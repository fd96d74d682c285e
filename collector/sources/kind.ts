import type { z } from 'zod';
import type { Source, SourceDeps } from '../source';
import type { DockerClient } from './docker/client';
import type { Discovery } from './docker/discovery';

/** What createCollector hands every source kind; each takes what it needs. */
export interface SourceKindDeps extends SourceDeps {
  /** Every container, the excluded ones too (`containers` leaves them out). */
  discovery: Discovery;
  /** Discovery's container events, of watched containers only (`docker.exclude`). */
  containerEvents: Pick<Discovery, 'onContainerEvent'>;
  docker: DockerClient;
  /** `host_root` as detected at start: where the host's /proc and /sys/fs/cgroup are visible. */
  hostRoot: string;
  /** The lookout version, stamped on heartbeats. */
  version: string;
}

/**
 * One kind of source: its settings under `collector:` (a key named like the kind) and its
 * factory. Listed once in registry.ts, which builds both the config section and the sources.
 */
export interface SourceKind<S extends z.ZodType | undefined = z.ZodType | undefined> {
  /** Absent for a kind without settings (lifecycle). */
  readonly schema: S;
  /** Whether its settings ask for it at all; absent means always. */
  enabled?(config: SettingsOf<S>): boolean;
  create(config: SettingsOf<S>, deps: SourceKindDeps): Source;
}

export type SettingsOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Keeps the schema's own type, so the config section it builds stays typed. */
export function defineSource<S extends z.ZodType | undefined>(kind: SourceKind<S>): SourceKind<S> {
  return kind;
}

/** The dependencies every source shares, without the extras only some kinds take. */
export function commonDeps(deps: SourceKindDeps): SourceDeps {
  const { logger, clock, store, host, containers } = deps;
  return { logger, clock, store, host, containers };
}
