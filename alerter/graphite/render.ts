import type { MetricSample } from '../../core/events';
import { graphiteMetricName } from './series';

/** One series of graphite-web's `/render?format=json` answer. */
export interface RenderedSeries {
  target: string;
  tags?: Record<string, string>;
  datapoints: Array<[number | null, number]>;
}

/**
 * Asks graphite-web's render API for `target` between two instants (ms). Throws on a non-2xx
 * answer or when `signal` aborts (the caller's deadline). The URL is not put in the error: it
 * may carry credentials.
 */
export async function renderJson(
  baseUrl: string,
  target: string,
  fromMs: number,
  untilMs: number,
  signal: AbortSignal,
): Promise<RenderedSeries[]> {
  const q = new URLSearchParams({
    target,
    format: 'json',
    from: String(Math.floor(fromMs / 1000)),
    until: String(Math.floor(untilMs / 1000)),
  });
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/render?${q.toString()}`, { signal });
  if (!res.ok) {
    const body = (await res.text()).slice(0, 200);
    throw new Error(`graphite-web answered ${res.status} for target ${target}: ${body}`);
  }
  const json: unknown = await res.json();
  if (!Array.isArray(json)) throw new Error(`graphite-web answered no series list for target ${target}`);
  return json as RenderedSeries[];
}

/**
 * The datapoints of a render answer as samples a Graphite rule reads (null points are gaps),
 * only those newer than `after` (series name → last ts fed, ms), which it advances.
 */
export function seriesSamples(
  target: string,
  series: readonly RenderedSeries[],
  after: Map<string, number>,
  /** The samples' route in a fleet (ownership.ts); unset elsewhere. */
  route?: string,
): MetricSample[] {
  const name = graphiteMetricName(target);
  const out: MetricSample[] = [];
  for (const s of series) {
    const { name: _tagName, ...tags } = s.tags ?? {};
    const labels = { ...tags, series: s.target };
    // A `host` tag is the sample's host: rules, routes, silences and links read it from there.
    const host = tags.host ?? '';
    let last = after.get(s.target) ?? -Infinity;
    for (const [v, sec] of s.datapoints) {
      const ts = sec * 1000;
      if (v === null || ts <= last) continue;
      const sample: MetricSample = { kind: 'metric', host, ts, name, value: v, type: 'gauge', labels };
      if (route !== undefined) sample.route = route;
      out.push(sample);
      last = ts;
    }
    after.set(s.target, last);
  }
  return out;
}
