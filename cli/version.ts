import fs from 'node:fs';
import path from 'node:path';

/** The package root, from the source tree (cli/) or the build (dist/cli/). */
export const PACKAGE_ROOT: string = (() => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'rules'))) return dir;
  }
  return path.resolve(__dirname, '..');
})();

/** The version stamped on heartbeats and shown by --version. */
export const VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
