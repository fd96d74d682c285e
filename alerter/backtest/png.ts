import type { RuleBacktest } from './backtest';

/**
 * A PNG of the backtested rules from graphite-web's render API: each rule's series, its
 * threshold as a line, and its firing intervals shaded: the rule's own series flattened to 1,
 * cut to the interval (`timeSlice`) and drawn as vertical lines (`drawAsInfinite`), one per point.
 */
export async function renderPng(
  graphiteUrl: string,
  results: readonly RuleBacktest[],
  from: number,
  until: number,
): Promise<Buffer> {
  const q = new URLSearchParams({
    format: 'png',
    width: '1000',
    height: '400',
    from: String(Math.floor(from / 1000)),
    until: String(Math.floor(until / 1000)),
    areaAlpha: '0.3',
  });
  for (const r of results) {
    if (!r.target) continue;
    q.append('target', r.target);
    if (r.threshold !== undefined)
      q.append('target', `alias(threshold(${r.threshold}),"${r.rule} threshold")`);
    for (const x of r.result?.intervals ?? []) {
      if (x.state !== 'firing') continue;
      const end = Math.floor((x.end ?? until) / 1000);
      const flat = `offset(scale(sumSeries(${r.target}),0),1)`;
      const slice = `timeSlice(${flat},"${Math.floor(x.start / 1000)}","${end}")`;
      q.append('target', `alias(drawAsInfinite(${slice}),"${r.rule} firing")`);
    }
  }
  const res = await fetch(`${graphiteUrl.replace(/\/$/, '')}/render?${q.toString()}`, {
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok)
    throw new Error(`graphite-web answered ${res.status} for the PNG: ${(await res.text()).slice(0, 200)}`);
  return Buffer.from(await res.arrayBuffer());
}
