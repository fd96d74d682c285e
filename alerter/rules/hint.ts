import type { z } from 'zod';

/** Edit distance, for "did you mean" hints on unknown kinds, keys and metric names. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The nearest candidate, if it is near enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** `avg` for `average`: a candidate whose letters appear in order in the word, same first letter. */
function abbreviation(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const fits = (c: string): boolean => {
    let i = 0;
    for (const ch of w) if (ch === c[i]) i++;
    return c[0] === w[0] && i === c.length;
  };
  return candidates
    .filter((c) => c.length >= 2 && fits(c.toLowerCase()))
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * For each value zod refused as not one of a list (`reduce: average`), the message with the
 * value, the list and the nearest entry, keyed by `line:col` of the value.
 */
export function enumHints(
  item: unknown,
  issues: readonly z.core.$ZodIssue[],
  at: (path: PropertyKey[]) => { line: number; col: number },
): Map<string, string> {
  const out = new Map<string, string>();
  for (const iss of issues) {
    if (iss.code !== 'invalid_value') continue;
    const own = iss.path.slice(2);
    let v: unknown = item;
    for (const k of own) v = (v as Record<PropertyKey, unknown> | null)?.[k];
    if (typeof v !== 'string') continue;
    const values = iss.values.map(String);
    const near = closest(v, values) ?? abbreviation(v, values);
    const pos = at(iss.path);
    out.set(
      `${pos.line}:${pos.col}`,
      `"${v}" is not one of ${values.join(', ')}${near ? `; did you mean "${near}"?` : ''}`,
    );
  }
  return out;
}
