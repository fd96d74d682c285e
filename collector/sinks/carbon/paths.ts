import type { MetricSample } from '../../../core/events';
import { graphiteName, subjectOf } from '../names';

/**
 * Paths one generation holds before a new one starts (container churn must not grow the cache
 * forever). Two generations are kept, so at most twice this many paths: a few megabytes.
 */
const MAX_PATHS_PER_GENERATION = 20_000;

interface CachedPath {
  path: string;
  service: string | undefined;
}

/** host → subject → metric name: no key string is built per sample. */
type PathTree = Map<string, Map<string, Map<string, CachedPath>>>;

/**
 * `graphiteName` of each series, built once: the carbon and StatsD sinks name every sample, and
 * building a name costs several regex replacements and a handful of strings (issue 16: at a
 * million samples a second that garbage was most of what the collector allocated).
 *
 * Bounded the way generational-map.ts explains, with the generation's size as its clock: when the
 * current tree is full it becomes the previous one and the older is dropped. A series named at
 * least once per generation keeps its path; the names of containers long gone are forgotten,
 * without dropping the live ones with them. A path in the current tree costs the three lookups it
 * always did; only a miss there looks in the previous tree before building the name.
 */
export class GraphitePaths {
  private current: PathTree = new Map();
  private previous: PathTree = new Map();
  private inCurrent = 0;
  private inPrevious = 0;
  private builds = 0;

  constructor(
    private readonly prefix: string,
    private readonly tags: boolean,
    private readonly maxPerGeneration = MAX_PATHS_PER_GENERATION,
  ) {}

  of(s: MetricSample): string {
    // Tagged names carry every label: too many shapes to key cheaply, and rare at high rates.
    if (this.tags && s.labels !== undefined) return graphiteName(s, this.prefix, this.tags);
    const subject = this.tags ? (s.container?.name ?? '') : subjectOf(s);
    const hit = this.current.get(s.host)?.get(subject)?.get(s.name);
    if (hit !== undefined && this.fits(hit, s)) return hit.path;
    return this.miss(s, subject, hit !== undefined);
  }

  /** Paths held now, in either generation. */
  get size(): number {
    return this.inCurrent + this.inPrevious;
  }

  /** Names built since the start (a path found in either generation is not built again). */
  get built(): number {
    return this.builds;
  }

  /** A tagged path also names the service, which the container name alone does not pin down. */
  private fits(cached: CachedPath, s: MetricSample): boolean {
    return !this.tags || cached.service === s.container?.service;
  }

  private miss(s: MetricSample, subject: string, replacing: boolean): string {
    const oldByName = this.previous.get(s.host)?.get(subject);
    const old = oldByName?.get(s.name);
    let path: string;
    if (old !== undefined && this.fits(old, s)) {
      path = old.path;
      oldByName!.delete(s.name); // moved, not copied: held once
      this.inPrevious--;
    } else {
      path = graphiteName(s, this.prefix, this.tags);
      this.builds++;
    }
    if (!replacing) {
      if (this.inCurrent >= this.maxPerGeneration) this.rotate();
      this.inCurrent++;
    }
    leaf(this.current, s.host, subject).set(s.name, { path, service: s.container?.service });
    return path;
  }

  private rotate(): void {
    this.previous = this.current;
    this.inPrevious = this.inCurrent;
    this.current = new Map();
    this.inCurrent = 0;
  }
}

function leaf(tree: PathTree, host: string, subject: string): Map<string, CachedPath> {
  let bySubject = tree.get(host);
  if (bySubject === undefined) tree.set(host, (bySubject = new Map<string, Map<string, CachedPath>>()));
  let byName = bySubject.get(subject);
  if (byName === undefined) bySubject.set(subject, (byName = new Map<string, CachedPath>()));
  return byName;
}
