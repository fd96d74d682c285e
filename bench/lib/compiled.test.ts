import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { compileBench } from './compiled';

describe('compileBench', () => {
  it('compiles an entry and what it imports to plain JavaScript that node runs without tsx', () => {
    const js = compileBench(path.join(__dirname, 'report.ts'));
    try {
      expect(js.entry.endsWith(path.join('bench', 'lib', 'report.js'))).toBe(true);
      const out = execFileSync(
        process.execPath,
        ['-e', `console.log(JSON.stringify(require(${JSON.stringify(js.entry)}).summarize([3, 1, 2])))`],
        { env: js.env, encoding: 'utf8' },
      );
      expect(JSON.parse(out)).toMatchObject({ median: 2, min: 1, max: 3 });
    } finally {
      js.remove();
    }
    expect(fs.existsSync(js.entry)).toBe(false);
  });

  it('compiles further entries nothing imports beside the first (a partner process), inside no checkout folder', () => {
    const root = path.resolve(__dirname, '..', '..');
    const js = compileBench(path.join(root, 'bench', 'ship-batches.ts'), [path.join(__dirname, 'report.ts')]);
    try {
      const partner = path.join(path.dirname(js.entry), 'lib', 'report.js');
      expect(fs.existsSync(partner)).toBe(true);
      expect(path.relative(root, js.entry).startsWith('..')).toBe(true);
      const out = execFileSync(
        process.execPath,
        ['-e', `console.log(require(${JSON.stringify(js.entry)}).metricBatches(0, 3)[0].length)`],
        { env: js.env, encoding: 'utf8' },
      );
      expect(out.trim()).toBe('3');
    } finally {
      js.remove();
    }
  });
});
