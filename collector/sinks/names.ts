import type { MetricSample } from '../../core/events';
import { hostInstanceSubject } from '../../core/metrics-catalog';

/**
 * Graphite naming shared by the StatsD and carbon sinks.
 *
 *   plain:  <prefix>.<host>.<container>.<metric>          lookout.web01.api_1.cpu.percent
 *   tags:   <prefix>.<metric>;host=<host>;container=<c>   lookout.cpu.percent;host=web01;container=api_1
 *
 * Host and container are one path segment each, so every dot, space or slash in them becomes
 * `_` (a host `web01.example.com` must not open three levels). The metric keeps its dots: the
 * metrics catalog (core/metrics-catalog.ts) names metrics `cpu.percent`, `mem.usage_bytes`, and
 * the dashboards browse them as a tree; each of its segments is sanitised the same way.
 * A sample without a container (a probe, a host gauge) uses its `target` label, else its mount or
 * interface (`_fs_var_lib_docker`, `_net_eth0`: core/metrics-catalog.ts), else `_host`.
 */
const UNSAFE = /[^A-Za-z0-9_-]/g;

export function segment(s: string): string {
  const out = s.replace(UNSAFE, '_');
  return out === '' ? '_' : out;
}

export function metricPath(name: string): string {
  return name.split('.').map(segment).join('.');
}

/** Tag values may not hold `;`, `~` or `!` in Graphite 1.1, nor be empty. */
function tagValue(s: string): string {
  const out = s.replace(/[;~!\s]/g, '_');
  return out === '' ? '_' : out;
}

export function subjectOf(s: MetricSample): string {
  return s.container?.name ?? s.labels?.target ?? hostInstanceSubject(s.labels) ?? '_host';
}

export function graphiteName(s: MetricSample, prefix: string, tags: boolean): string {
  const p = prefix === '' ? '' : `${metricPath(prefix)}.`;
  if (!tags) return `${p}${segment(s.host)}.${segment(subjectOf(s))}.${metricPath(s.name)}`;
  let out = `${p}${metricPath(s.name)};host=${tagValue(s.host)}`;
  if (s.container) out += `;container=${tagValue(s.container.name)};service=${tagValue(s.container.service)}`;
  for (const [k, v] of Object.entries(s.labels ?? {})) out += `;${segment(k)}=${tagValue(v)}`;
  return out;
}
