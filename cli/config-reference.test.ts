import fs from 'node:fs';
import path from 'node:path';
import { configReference } from './config-reference';

test('docs/config.md lists every config key as the schema has it (npm run docs:config)', () => {
  const committed = fs.readFileSync(path.join(__dirname, '..', 'docs', 'config.md'), 'utf8');
  expect(committed).toBe(configReference());
});

test('the reference names the keys the README left out, with their defaults', () => {
  const row = (...cells: string[]) =>
    new RegExp(`\\| ${cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' +\\| ')} +\\|`);
  const text = configReference();
  expect(text).toMatch(row('`collector.stats.interval`', 'string', '`"10s"`'));
  expect(text).toMatch(
    row(
      '`notify.receivers[type: pagerduty].routing_key`',
      'secret: `{env: NAME}` or `{file: PATH}`',
      'required',
    ),
  );
  expect(text).toContain('`delivery.dead_letter_dir`');
});
