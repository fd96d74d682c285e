/** The `lookout` command as users meet it: exit codes and messages for bad input. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookoutCli } from '../support/lookout-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Each run with a state folder of the test's own and JSON logs, on free ports. */
const lookout = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  lookoutCli(args, {
    LOOKOUT_STATE__PATH: path.join(dir, 'state.db'),
    LOOKOUT_HTTP__LISTEN: '127.0.0.1:0',
    LOOKOUT_NOTIFY__API__LISTEN: '127.0.0.1:0',
    LOOKOUT_LOG__FORMAT: 'json',
    ...env,
  });

test('an absent Docker socket is a clear message and exit code 2', async () => {
  const r = await lookout(['collect'], { DOCKER_HOST: `unix://${dir}/no-such.sock` });
  expect(r.code).toBe(2);
  // On a host: "does not exist: is dockerd running?"; in a container: "is not mounted: add -v ...".
  expect(r.stderr).toMatch(new RegExp(`Docker socket ${dir}/no-such\\.sock (does not exist|is not mounted)`));
});

test('a config with an unknown key and a bad duration names file, line and key, exit code 2', async () => {
  const file = path.join(dir, 'bad.yaml');
  fs.writeFileSync(file, 'collector:\n  stats:\n    interval: 10 seconds\n  logz: {}\n');
  const r = await lookout(['run', '--config', file]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`${file}:3:15: collector.stats.interval: "10 seconds" is not a duration`);
  expect(r.stderr).toContain(`${file}:4:3: collector.logz: unknown key "logz"`);
});

test('lookout check reports every rule problem at once, and passes the shipped rules', async () => {
  const rules = path.join(dir, 'rules');
  fs.mkdirSync(rules);
  fs.writeFileSync(
    path.join(rules, 'broken.yaml'),
    'rules:\n  - name: a\n    kind: treshold\n    severity: warning\n    summary: x\n  - name: b\n    kind: log_match\n    pattern: { regex: "([" }\n    count: 3\n    window: 5x\n    severity: error\n    summary: y\n',
  );
  const bad = await lookout(['check', rules]);
  expect(bad.code).toBe(2);
  const lines = bad.stderr.split('\n').filter((l) => l.startsWith(path.join(rules, 'broken.yaml')));
  expect(lines.length).toBeGreaterThanOrEqual(2);
  expect(bad.stderr).toMatch(/broken\.yaml:3:\d+: rule "a": .*treshold/);
  const good = await lookout(['check']);
  expect(good.stderr).toBe('');
  expect(good.code).toBe(0);
});

test('lookout check on a folder without rules passes with a warning that nothing would page', async () => {
  const empty = path.join(dir, 'no-rules');
  fs.mkdirSync(empty);
  fs.writeFileSync(path.join(empty, 'empty.yaml'), 'rules: []\n');
  const r = await lookout(['check', empty]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`warning: no rules in ${empty}: nothing would page`);
  const shipped = await lookout(['check']);
  expect(shipped.stdout).toMatch(/^ok: config and \d+ rule\(s\) in rules/);
});

test("lookout test runs the shipped rules' tests", async () => {
  const r = await lookout(['test', 'rules']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/\d+ passed, 0 failed, 0 problems/);
});
