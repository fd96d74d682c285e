import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './version';

/** Written by the image's build stage (the Dockerfile's LOOKOUT_COMMIT argument); no .git there. */
export const COMMIT_FILE = path.join(PACKAGE_ROOT, 'dist', 'COMMIT');

/**
 * The commit this lookout was built from, for `--version`:
 * - a checkout (a developer's, or CI's clean clone, shallow or not) asks git about its own
 *   .git only, so a copy installed inside another repository never reports that one's commit;
 * - the image reads the file its build stage wrote;
 * - otherwise "unknown commit", which is honest about a tarball copy.
 */
export function buildCommit(root = PACKAGE_ROOT): string {
  if (fs.existsSync(path.join(root, '.git'))) {
    const git = spawnSync('git', ['describe', '--always', '--dirty', '--abbrev=12', '--exclude=*'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 5000,
    });
    const commit = git.status === 0 ? git.stdout.trim() : '';
    if (commit) return commit;
  }
  const file = root === PACKAGE_ROOT ? COMMIT_FILE : path.join(root, 'dist', 'COMMIT');
  const stamped = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  return stamped || 'unknown commit';
}
