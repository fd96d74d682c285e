import type { LookoutEvent, Topic } from '../../core/events';
import type { LabelGetter } from './labels';

interface Routable {
  rule: { evaluator: { topics: readonly Topic[]; metric?: string }; equals: Array<[string, string]> };
}

/** Rules that read one stream: those matching any event, and those indexed by one label's value. */
class Bucket<R> {
  readonly generic: R[] = [];
  readonly byLabel = new Map<string, Map<string, R[]>>();
  /** byLabel as parallel arrays: no iterator allocated per event. */
  private labels: string[] = [];
  private maps: Array<Map<string, R[]>> = [];

  add(rule: R, equals: Array<[string, string]>): void {
    const first = equals[0];
    if (!first) {
      this.generic.push(rule);
      return;
    }
    const [label, value] = first;
    let byValue = this.byLabel.get(label);
    if (!byValue) {
      this.byLabel.set(label, (byValue = new Map<string, R[]>()));
      this.labels.push(label);
      this.maps.push(byValue);
    }
    const list = byValue.get(value);
    if (list) list.push(rule);
    else byValue.set(value, [rule]);
  }

  /** Writes candidates into `out` from index `n`; returns the new count (no array resizing per event). */
  candidates(get: LabelGetter, out: R[], n: number): number {
    const g = this.generic;
    for (let i = 0; i < g.length; i++) out[n++] = g[i]!;
    for (let i = 0; i < this.labels.length; i++) {
      const list = this.maps[i]!.get(get(this.labels[i]!));
      if (list) for (let j = 0; j < list.length; j++) out[n++] = list[j]!;
    }
    return n;
  }
}

/**
 * Finds the rules an event may concern without scanning them all: by topic, by metric name
 * for metric rules, then by the value of one equality matcher (`where: {service: api}`).
 * The full `where` is still checked on each candidate.
 */
export class Router<R extends Routable> {
  private readonly byMetric = new Map<string, Bucket<R>>();
  private readonly byTopic = new Map<Topic, Bucket<R>>();

  constructor(rules: readonly R[]) {
    for (const r of rules) {
      const { evaluator, equals } = r.rule;
      for (const topic of evaluator.topics) {
        const bucket =
          topic === 'metric' && evaluator.metric !== undefined
            ? this.bucket(this.byMetric, evaluator.metric)
            : this.bucket(this.byTopic, topic);
        // Equality indexing only narrows the stream the `where` applies to (not heartbeat inventories).
        bucket.add(r, topic === 'heartbeat' ? [] : equals);
      }
    }
  }

  private bucket<K>(map: Map<K, Bucket<R>>, key: K): Bucket<R> {
    let b = map.get(key);
    if (!b) map.set(key, (b = new Bucket()));
    return b;
  }

  /** Rules for this event, written to `out` (reused by the caller); returns how many. */
  route(ev: LookoutEvent, get: LabelGetter, out: R[]): number {
    let n = 0;
    if (ev.kind === 'metric') {
      const b = this.byMetric.get(ev.name);
      if (b) n = b.candidates(get, out, n);
    }
    const t = this.byTopic.get(ev.kind);
    return t ? t.candidates(get, out, n) : n;
  }
}
