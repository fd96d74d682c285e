/**
 * The project's import rules, checked on the source itself: every relative import is resolved
 * to the top-level folder it lands in and held against ALLOWED. Kept apart from eslint's
 * no-restricted-imports (which sees only the import's text) so a rule holds whatever the depth
 * of the importing file.
 */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Which top-level folders a non-test file of each folder may import from. */
export const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  collector: ['core', 'collector'],
  // alerter/links builds URLs from the dashboards' catalog; the dashboards never import the alerter.
  alerter: ['core', 'alerter', 'dashboards'],
  dashboards: ['core', 'dashboards'],
  cli: ['core', 'collector', 'alerter', 'dashboards', 'cli'],
  // The demo and the benchmarks start real services through test/support.
  demo: ['core', 'collector', 'alerter', 'dashboards', 'cli', 'demo', 'test'],
  bench: ['core', 'collector', 'alerter', 'dashboards', 'cli', 'bench', 'test'],
};

const SKIP = new Set(['node_modules', 'dist', '.git']);

export function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']*)'/gm;

export function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1]!);
}

export const topFolder = (abs: string) => path.relative(ROOT, abs).split(path.sep)[0]!;

export const isTest = (file: string) => file.endsWith('.test.ts') || topFolder(file) === 'test';

/** `file: imports spec (lands in folder)` for every import that breaks ALLOWED. */
export function violations(files = sourceFiles()): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = topFolder(file);
    const allowed = ALLOWED[from];
    if (!allowed || isTest(file)) continue;
    for (const spec of relativeImports(file)) {
      const to = topFolder(path.resolve(path.dirname(file), spec));
      if (!allowed.includes(to)) out.push(`${path.relative(ROOT, file)}: imports ${spec} (${to}/)`);
    }
  }
  return out;
}
