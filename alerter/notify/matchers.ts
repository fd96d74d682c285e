/**
 * Label matchers shared by routes, inhibition and silences. A missing label reads as '', so
 * `container=""` means "has no container label", as in Alertmanager. Regexes match the whole value.
 */
import { LookoutError } from '../../core/errors';
import type { Alert } from '../types';

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** `service=web`, `host!=db1`, `container=~web-.*`; quotes around the value are optional. */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (!m)
    throw new LookoutError(
      `"${text}" is not a matcher (use name=value, name!=value, name=~regex or name!~regex)`,
    );
  const value = m[3]!.replace(/^"(.*)"$/, '$1');
  const matcher: Matcher = { name: m[1]!, op: m[2] as MatchOp, value };
  if (matcher.op === '=~' || matcher.op === '!~') compile(value);
  return matcher;
}

const cache = new Map<string, RegExp>();
function compile(re: string): RegExp {
  let r = cache.get(re);
  if (!r) {
    try {
      r = new RegExp(`^(?:${re})$`);
    } catch (err) {
      throw new LookoutError(`"${re}" is not a regular expression: ${(err as Error).message}`);
    }
    cache.set(re, r);
  }
  return r;
}

export function matcherHolds(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return compile(m.value).test(v);
    case '!~':
      return !compile(m.value).test(v);
  }
}

export function allHold(ms: Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => matcherHolds(m, labels));
}

/** Matchers from the config's `match` / `match_re` maps. */
export function fromMaps(match?: Record<string, string>, matchRe?: Record<string, string>): Matcher[] {
  return [
    ...Object.entries(match ?? {}).map(([name, value]) => ({ name, op: '=' as const, value })),
    ...Object.entries(matchRe ?? {}).map(([name, value]) => ({ name, op: '=~' as const, value })),
  ];
}

/** The labels matchers see: the alert's labels plus its rule (also as `alertname`), severity and kind. */
export function matchLabels(a: Alert): Record<string, string> {
  return { ...a.labels, rule: a.rule, alertname: a.rule, severity: a.severity, kind: a.kind };
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${m.value}`;
}
