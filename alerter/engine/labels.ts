import type { ContainerMeta, LookoutEvent } from '../../core/events';
import type { Matcher } from '../rules/schema';

/**
 * The labels a rule can match and group on. Built-in names read the event and its container;
 * any other name reads the sample's own labels (a probe's `target`), then the container's
 * Docker labels. A missing label reads as '' (as in Prometheus).
 */
export const BUILTIN_LABELS = [
  'host',
  'container',
  'container_id',
  'image',
  'service',
  'compose_project',
  'stream',
  'level',
  'source',
] as const;

export function containerLabel(c: ContainerMeta | undefined, name: string): string | undefined {
  if (!c) return undefined;
  switch (name) {
    case 'container':
      return c.name;
    case 'container_id':
      return c.id;
    case 'image':
      return c.image;
    case 'service':
      return c.service;
    case 'compose_project':
      return c.composeProject;
    default:
      return c.labels[name];
  }
}

export function labelOf(ev: LookoutEvent, name: string): string {
  if (name === 'host') return ev.host;
  switch (ev.kind) {
    case 'metric':
      return ev.labels?.[name] ?? containerLabel(ev.container, name) ?? '';
    case 'log':
      if (name === 'stream') return ev.stream;
      if (name === 'level') return ev.level ?? '';
      return containerLabel(ev.container, name) ?? '';
    case 'lifecycle':
      return containerLabel(ev.container, name) ?? '';
    case 'heartbeat':
      return name === 'source' ? ev.source : '';
  }
}

export type LabelGetter = (name: string) => string;

/** A compiled `where:` clause. Returns true when every matcher accepts. */
export type WherePredicate = (get: LabelGetter) => boolean;

function compileMatcher(m: Matcher): (v: string) => boolean {
  if (typeof m === 'string') return (v) => v === m;
  if ('not' in m) return (v) => v !== m.not;
  if ('regex' in m) {
    // Anchored like Prometheus' =~, so `web` does not match `webhook`.
    const re = new RegExp(`^(?:${m.regex})$`);
    return (v) => re.test(v);
  }
  if ('not_regex' in m) {
    const re = new RegExp(`^(?:${m.not_regex})$`);
    return (v) => !re.test(v);
  }
  const set = new Set(m.in);
  return (v) => set.has(v);
}

export function compileWhere(where: Record<string, Matcher> | undefined): WherePredicate | undefined {
  if (!where || Object.keys(where).length === 0) return undefined;
  const checks = Object.entries(where).map(([name, m]) => ({ name, test: compileMatcher(m) }));
  return (get) => {
    for (const c of checks) if (!c.test(get(c.name))) return false;
    return true;
  };
}

/** The plain-equality matchers of a `where`, which the router indexes on. */
export function equalities(where: Record<string, Matcher> | undefined): Array<[string, string]> {
  return Object.entries(where ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
}

export const KEY_SEP = '\u001f';

export function groupLabels(
  groupBy: readonly string[],
  get: LabelGetter,
): { key: string; labels: Record<string, string> } {
  const labels: Record<string, string> = {};
  let key = '';
  for (let i = 0; i < groupBy.length; i++) {
    const n = groupBy[i]!;
    const v = get(n);
    if (i > 0) key += KEY_SEP;
    key += v;
    if (v !== '') labels[n] = v;
  }
  return { key, labels };
}

/** The group key alone, without building the labels object (hot path). */
export function groupKey(groupBy: readonly string[], get: LabelGetter): string {
  if (groupBy.length === 1) return get(groupBy[0]!);
  let key = get(groupBy[0]!);
  for (let i = 1; i < groupBy.length; i++) key += KEY_SEP + get(groupBy[i]!);
  return key;
}
