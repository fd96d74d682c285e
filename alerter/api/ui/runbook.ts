/**
 * Reads a rule's runbook markdown for the incident page. A rule names it (`container_crash_loop.md`);
 * only a plain file name is read, so a rule cannot point the page at any other file.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Where docs/runbooks sits from this file, in the source tree and in dist/. */
const PACKAGE_RUNBOOKS = [
  path.resolve(__dirname, '../../../docs/runbooks'),
  path.resolve(__dirname, '../../../../docs/runbooks'),
];

export function readRunbook(dir: string | undefined, name: string): string | undefined {
  if (!/^[\w.-]+\.md$/.test(name) || name.startsWith('.')) return undefined;
  for (const d of dir ? [dir] : PACKAGE_RUNBOOKS) {
    try {
      return fs.readFileSync(path.join(d, name), 'utf8');
    } catch {
      // Not in this folder: try the next, and with none the page links the name instead.
    }
  }
  return undefined;
}
