import type { ContainerMeta } from '../../../core/events';
import type { ContainerInfo } from './types';

/** The fields of `GET /containers/{id}/json` discovery reads. */
export interface InspectData {
  Id: string;
  Name?: string;
  Config?: { Image?: string; Labels?: Record<string, string> | null; Tty?: boolean };
  Image?: string;
  LogPath?: string;
  /** Times the engine restarted it under its restart policy; already counts the restart a `die` leads to. */
  RestartCount?: number;
  State?: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Pid?: number;
    StartedAt?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
    Health?: { Status?: string };
  };
  HostConfig?: {
    NetworkMode?: string;
    LogConfig?: { Type?: string };
    NanoCpus?: number;
    CpuQuota?: number;
    CpuPeriod?: number;
    Memory?: number;
  };
}

export const SERVICE_LABEL = 'lookout.service';
const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

/** Event metadata from a name, image and labels (inspect data, or an event's attributes). */
export function metaFrom(
  id: string,
  name: string,
  image: string,
  labels: Record<string, string>,
): ContainerMeta {
  const meta: ContainerMeta = { id, name: name.replace(/^\//, ''), image, labels, service: '' };
  if (labels[COMPOSE_PROJECT]) meta.composeProject = labels[COMPOSE_PROJECT];
  if (labels[COMPOSE_SERVICE]) meta.composeService = labels[COMPOSE_SERVICE];
  meta.service = labels[SERVICE_LABEL] || meta.composeService || meta.name;
  return meta;
}

/**
 * Event attributes carry the name, the image and every container label, mixed with
 * event-specific keys (exitCode, signal...). Good enough for a container already removed.
 */
export function metaFromAttributes(id: string, attrs: Record<string, string>): ContainerMeta {
  const labels: Record<string, string> = {};
  const eventKeys = new Set(['name', 'image', 'exitCode', 'signal', 'execID', 'oldName']);
  for (const [k, v] of Object.entries(attrs)) if (!eventKeys.has(k)) labels[k] = v;
  return metaFrom(id, attrs.name ?? id.slice(0, 12), attrs.image ?? '', labels);
}

function cpuLimitCores(h: NonNullable<InspectData['HostConfig']>): number | undefined {
  if (h.NanoCpus) return h.NanoCpus / 1e9;
  if (h.CpuQuota && h.CpuQuota > 0) return h.CpuQuota / (h.CpuPeriod || 100_000);
  return undefined;
}

function healthOf(s: string | undefined): ContainerInfo['health'] {
  return s === 'starting' || s === 'healthy' || s === 'unhealthy' ? s : undefined;
}

/** Maps inspect output to what discovery caches; `cgroupPath` is resolved by the caller. */
export function infoFromInspect(d: InspectData): ContainerInfo {
  const state = d.State ?? {};
  const host = d.HostConfig ?? {};
  const info: ContainerInfo = {
    meta: metaFrom(
      d.Id,
      d.Name ?? d.Id.slice(0, 12),
      d.Config?.Image ?? d.Image ?? '',
      d.Config?.Labels ?? {},
    ),
    logDriver: host.LogConfig?.Type ?? 'unknown',
    pid: state.Pid ?? 0,
    running: state.Running === true,
    state: state.Status,
  };
  if (d.LogPath) info.logPath = d.LogPath;
  if (typeof d.RestartCount === 'number') info.restartCount = d.RestartCount;
  if (d.Config?.Tty) info.tty = true;
  if (state.StartedAt && !state.StartedAt.startsWith('0001-')) info.startedAt = state.StartedAt;
  const health = healthOf(state.Health?.Status);
  if (health) info.health = health;
  const cores = cpuLimitCores(host);
  if (cores !== undefined) info.cpuLimitCores = cores;
  if (host.Memory) info.memoryLimitBytes = host.Memory;
  if (host.NetworkMode) info.networkMode = host.NetworkMode;
  if (!info.running && state.Status !== 'created') {
    info.exitCode = state.ExitCode ?? 0;
    info.oomKilled = state.OOMKilled === true;
  }
  return info;
}
