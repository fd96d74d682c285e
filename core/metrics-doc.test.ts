import fs from 'node:fs';
import path from 'node:path';
import { METRICS } from './metrics-catalog';
import { metricsMarkdown } from './metrics-doc';

test('docs/metrics.md is current with the catalog (npm run docs:metrics rewrites it)', () => {
  const file = path.join(__dirname, '..', 'docs', 'metrics.md');
  const doc = fs.readFileSync(file, 'utf8');
  expect(doc).toBe(metricsMarkdown());
  for (const m of METRICS) expect(doc).toContain(`\`${m.name}\``);
});
