/**
 * docs/ARCHITECTURE.md stays true: every folder and file it names exists, and the import rules it
 * states hold on the code (imports.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ALLOWED, ROOT, relativeImports, sourceFiles, violations } from './imports';

const doc = fs.readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');

/** Paths in backticks that start with a top-level folder of the project. */
function namedPaths(): string[] {
  const tops = fs.readdirSync(ROOT).filter((n) => !n.startsWith('.') && n !== 'node_modules');
  return [...doc.matchAll(/`([a-z][\w.-]*\/[\w./-]*)`/g)]
    .map((m) => m[1]!)
    .filter((p) => tops.includes(p.split('/')[0]!) && !p.includes('*') && !p.includes('<'));
}

test('every folder and file docs/ARCHITECTURE.md names exists', () => {
  const named = namedPaths();
  expect(named.length).toBeGreaterThan(30);
  const missing = named.filter((p) => !fs.existsSync(path.join(ROOT, p)));
  expect(missing).toEqual([]);
});

test('the import rules hold: core imports nothing of the project, collector and alerter never each other', () => {
  expect(violations()).toEqual([]);
});

test('the import check sees a violation when there is one', () => {
  const file = path.join(ROOT, 'collector', 'pipeline.ts');
  expect(relativeImports(file).length).toBeGreaterThan(0);
  const fake = path.join(ROOT, 'core', '__fake__.ts');
  fs.writeFileSync(fake, "import { x } from '../alerter/types';\nexport const y = x;\n");
  try {
    expect(violations([fake])).toEqual(['core/__fake__.ts: imports ../alerter/types (alerter/)']);
  } finally {
    fs.rmSync(fake);
  }
});

test('the doc states the same rules the check holds', () => {
  for (const [from, to] of Object.entries(ALLOWED))
    for (const t of to) expect(doc).toMatch(new RegExp(`\\b${from}\\b[^\\n]*${t}`));
  expect(sourceFiles().length).toBeGreaterThan(100);
});
