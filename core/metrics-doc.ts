import fs from 'node:fs';
import path from 'node:path';
import { METRICS, type MetricDef } from './metrics-catalog';

/**
 * docs/metrics.md, generated from the catalog (issue 14): a rule's unknown-metric error points
 * users of the image there, since they do not have the source. `npm run docs:metrics` writes
 * it; core/metrics-doc.test.ts fails when it is stale.
 */
export function metricsMarkdown(): string {
  const scopes: Array<[MetricDef['scope'], string]> = [
    ['container', 'Per container (`host`, `container`, `service` labels)'],
    ['probe', 'Per probed endpoint (`target` label)'],
    ['host', 'Per host (`host` label)'],
  ];
  const out = [
    '# Metrics the collector emits',
    '',
    'Generated from `core/metrics-catalog.ts` by `npm run docs:metrics`; do not edit by hand.',
    'These are the names a `threshold`, `absence` or `spike` rule can use as `metric`. Graphite',
    'series of your own (StatsD timers, business counters) are for `kind: graphite` rules.',
  ];
  for (const [scope, title] of scopes) {
    const rows = METRICS.filter((x) => x.scope === scope).map((m) => [
      `\`${m.name}\``,
      m.type,
      m.unit,
      m.help.replace(/\|/g, '\\|'),
    ]);
    out.push('', `## ${title}`, '', ...table(['metric', 'type', 'unit', 'what'], rows));
  }
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  const file = path.join(__dirname, '..', 'docs', 'metrics.md');
  fs.writeFileSync(file, metricsMarkdown());
  process.stdout.write(`wrote ${file}\n`);
}

/** A markdown table with padded columns, as prettier writes it (so the committed file passes its check). */
export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
