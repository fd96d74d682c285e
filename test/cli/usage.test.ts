/** The CLI as a newcomer meets it, as real processes: slips, per-command help, exit codes, --version. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { lookoutCli } from '../support/lookout-cli';

const ROOT = path.resolve(__dirname, '..', '..');

const lookout = lookoutCli;

test('a misspelt command is named, the nearest one suggested, exit code 2 (not swallowed by run)', async () => {
  const r = await lookout(['chekc']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('unknown command "chekc": did you mean "check"?');
  expect(r.stderr).not.toContain("too many arguments for 'run'");
  const far = await lookout(['nosuch', '--help']);
  expect(far.code).toBe(2);
  expect(far.stderr).toContain('unknown command "nosuch"');
  expect(far.stdout).toBe('');
});

test('a subcommand --help shows its own usage and an example, exit code 0', async () => {
  const r = await lookout(['silence', 'expire', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Usage: lookout silence expire [options] <id>');
  expect(r.stdout).toMatch(/Example:\n {2}lookout silence expire /);
  expect(r.stdout).not.toContain('Exit codes:');
});

test('lookout --help documents the exit codes', async () => {
  const r = await lookout(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    /Exit codes:\n {2}0 {2}ok\n {2}1 {2}findings.*\n {2}2 {2}usage or config error.*\n {2}3 {2}unreachable/,
  );
});

test('an unknown option is a usage error: exit code 2', async () => {
  const r = await lookout(['check', '--bogus']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("unknown option '--bogus'");
});

test('lookout --version names the commit of the checkout it runs from', async () => {
  const r = await lookout(['--version']);
  expect(r.code).toBe(0);
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  expect(r.stdout).toMatch(
    new RegExp(`^lookout ${version.replace(/\./g, '\\.')} \\(commit [0-9a-f]{12}(-dirty)?\\)\\n$`),
  );
});

test('a pipe closed early (lookout --help | true) ends quietly, exit code 0, no EPIPE stack', async () => {
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(
      'bash',
      ['-c', 'set -o pipefail; "$0" bin/lookout --help | true', process.execPath],
      { cwd: ROOT, timeout: 60_000 },
      (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
  expect(r.stderr).not.toContain('EPIPE');
  expect(r.code).toBe(0);
});
