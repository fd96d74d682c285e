import type { MetricSample } from '../../../core/events';
import { graphiteName, subjectOf } from '../names';

/** Paths remembered before the cache starts over (container churn must not grow it forever). */
const MAX_CACHED_PATHS = 20_000;

interface CachedPath {
  path: string;
  service: string | undefined;
}

/**
 * `graphiteName` of each series, built once: the carbon and StatsD sinks name every sample, and
 * building a name costs several regex replacements and a handful of strings (issue 16: at a
 * million samples a second that garbage was most of what the collector allocated). Keyed
 * host → subject → metric name, so no key string is built per sample either.
 */
export class GraphitePaths {
  private cached = 0;
  private paths = new Map<string, Map<string, Map<string, CachedPath>>>();

  constructor(
    private readonly prefix: string,
    private readonly tags: boolean,
    private readonly maxCached = MAX_CACHED_PATHS,
  ) {}

  of(s: MetricSample): string {
    // Tagged names carry every label: too many shapes to key cheaply, and rare at high rates.
    if (this.tags && s.labels !== undefined) return graphiteName(s, this.prefix, this.tags);
    const subject = this.tags ? (s.container?.name ?? '') : subjectOf(s);
    let bySubject = this.paths.get(s.host);
    if (bySubject === undefined)
      this.paths.set(s.host, (bySubject = new Map<string, Map<string, CachedPath>>()));
    let byName = bySubject.get(subject);
    if (byName === undefined) bySubject.set(subject, (byName = new Map<string, CachedPath>()));
    const hit = byName.get(s.name);
    // A tagged path also names the service, which the container name alone does not pin down.
    if (hit !== undefined && (!this.tags || hit.service === s.container?.service)) return hit.path;
    const path = graphiteName(s, this.prefix, this.tags);
    if (this.cached >= this.maxCached) {
      this.forget(); // the maps in hand belong to the old cache: start over with the next sample
      return path;
    }
    byName.set(s.name, { path, service: s.container?.service });
    this.cached++;
    return path;
  }

  /** Series names held now. */
  get size(): number {
    return this.cached;
  }

  private forget(): void {
    this.paths = new Map();
    this.cached = 0;
  }
}
