import { compileRules } from '../../rules/compile';
import { loadRuleText } from '../../rules/load';
import { REDUCERS } from '../../rules/schema-parts';
import { holds, type Op } from '../condition';
import type { Ring } from '../window';

/**
 * The threshold evaluator binds its reducer and comparison once per rule (issue 16); this table
 * holds each pair to what the window says and to the generic `holds`, value by value.
 */
const OPS: Op[] = ['>', '>=', '<', '<=', '==', '!='];
const VALUES = [5, 50, 50, 95, 20, 80, 0, 100];

function evaluatorOf(body: string) {
  const loaded = loadRuleText(
    't.yaml',
    `rules:\n  - {name: r, kind: threshold, metric: cpu.percent, window: 10s, summary: s, ${body}}\n`,
  );
  expect(loaded.problems).toEqual([]);
  return compileRules(loaded.rules, { latenessMs: 0 })[0]!.evaluator;
}

function expected(reduce: string, r: Ring, now: number): number | undefined {
  const st = r.stats(now);
  if (st.count === 0) return undefined;
  const byName: Record<string, () => number> = {
    avg: () => st.sum / st.count,
    min: () => st.min,
    max: () => st.max,
    sum: () => st.sum,
    count: () => st.count,
    rate: () => st.inc / 10,
    last: () => r.lastValue,
  };
  return (byName[reduce] ?? (() => r.quantile(now, Number(reduce.slice(1)) / 100)))();
}

describe('threshold: reducer and comparison bound per rule', () => {
  it.each(REDUCERS.map((r) => [r]))('%s: no data, then the window value sample by sample', (reduce) => {
    const ev = evaluatorOf(`reduce: ${reduce}, threshold: 50`);
    const ring = ev.newState() as Ring;
    expect(ev.evaluate(ring, 0, false).value).toBeUndefined();
    VALUES.forEach((v, i) => {
      ring.add(i * 1000, v);
      expect(ev.evaluate(ring, i * 1000, false).value).toBe(expected(reduce, ring, i * 1000));
    });
    // The window has moved past every sample: no data again.
    expect(ev.evaluate(ring, 60_000, false).value).toBeUndefined();
  });

  const combos = OPS.flatMap((op) => [
    [op, undefined],
    ...(op.startsWith('>') ? [[op, 30]] : op.startsWith('<') ? [[op, 70]] : []),
  ]) as Array<[Op, number | undefined]>;
  it.each(combos)('op %s, clear %s: active exactly when holds() says so, firing or not', (op, clear) => {
    const ev = evaluatorOf(
      `reduce: last, op: '${op}', threshold: 50${clear === undefined ? '' : `, clear: ${clear}`}`,
    );
    const ring = ev.newState() as Ring;
    VALUES.forEach((v, i) => {
      ring.add(i * 1000, v);
      for (const firing of [false, true])
        expect(ev.evaluate(ring, i * 1000, firing).active).toBe(holds(op, 50, clear, v, firing));
    });
  });
});
