import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../core/logger';
import { watchRules } from './watch';

describe('watchRules', () => {
  it('fires once for a burst of YAML writes in the folder, not for other files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-'));
    let n = 0;
    const stop = watchRules([dir], 50, () => n++, silentLogger());
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    await new Promise((r) => setTimeout(r, 200));
    expect(n).toBe(0);
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, 'r.yaml'), `rules: [] # ${i}\n`);
    await new Promise((r) => setTimeout(r, 600));
    expect(n).toBe(1);
    stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a path that cannot be watched is logged, not thrown', () => {
    const stop = watchRules(['/nonexistent/rules'], 50, () => undefined, silentLogger());
    stop();
  });
});
