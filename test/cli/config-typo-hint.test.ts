/** A typo in the config gets the same "did you mean" from every command, not only `lookout check`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookoutCli } from '../support/lookout-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-typo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each(['run', 'silence list', 'check'])('lookout %s names the nearest key', async (command) => {
  const file = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(file, 'collector:\n  statz: { interval: 5s }\n');
  const r = await lookoutCli([...command.split(' '), '--config', file], {
    LOOKOUT_STATE__PATH: path.join(dir, 'state.db'),
  });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${file}:2:3: collector.statz: unknown key "statz"; did you mean "stats"?`);
});
