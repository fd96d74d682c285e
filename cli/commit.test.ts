import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCommit } from './commit';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-commit-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a copy without .git reports the commit its build stamped, else says it does not know', () => {
  expect(buildCommit(dir)).toBe('unknown commit');
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.writeFileSync(path.join(dir, 'dist', 'COMMIT'), '0123456789ab\n');
  expect(buildCommit(dir)).toBe('0123456789ab');
});
