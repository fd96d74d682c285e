/**
 * How a Graphite series becomes alert labels, shared by the rule kind (pure) and by the poller
 * and backtest that feed it.
 */

/** The sample name a Graphite-target rule reads: one per target, so the router sends it to that rule only. */
export function graphiteMetricName(target: string): string {
  return `graphite:${target}`;
}

/** One node of a dotted series name, aliasByNode style (negative counts from the end). */
export function seriesNode(series: string, index: number): string {
  const nodes = series.split('.');
  return nodes[index < 0 ? nodes.length + index : index] ?? '';
}

/**
 * The labels of one series: `series` (its full name) and each `series_labels` entry, a node of
 * the name or a tag (read through `tag`, the sample's labels, where the feeder put the tags).
 */
export function seriesLabels(
  series: string,
  pattern: Record<string, number | string> | undefined,
  tag: (name: string) => string,
): Record<string, string> {
  const out: Record<string, string> = { series };
  for (const [label, from] of Object.entries(pattern ?? {}))
    out[label] = typeof from === 'number' ? seriesNode(series, from) : tag(from);
  return out;
}
