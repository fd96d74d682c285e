/**
 * A threshold condition: the comparison and its hysteresis. Its own module because both the rule
 * kinds (through their closures) and the fast path (from data, fast-path.ts) decide with it, and
 * the evaluator contract (evaluator.ts) refers to the fast path's data.
 */
export type Op = '>' | '>=' | '<' | '<=' | '==' | '!=';

export function compare(op: Op, value: number, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** With `clear`, a firing alert stays active until the value is past the clearing level (hysteresis). */
export function holds(
  op: Op,
  threshold: number,
  clear: number | undefined,
  value: number,
  firing: boolean,
): boolean {
  if (!firing || clear === undefined) return compare(op, value, threshold);
  return op.startsWith('>') ? value > clear : value < clear;
}
