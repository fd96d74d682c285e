/**
 * A flag value the command cannot use is a usage error: exit code 2 (the README's table), the
 * flag named in the message. Exit 1 is kept for "ran and found something" (pages over budget).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lookoutCli } from '../support/lookout-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-flags-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// No service is asked: each case is refused before Graphite or the state store is touched.
const backtest = (...flags: string[]) =>
  lookoutCli(['backtest', 'rules/resources.yaml', '--graphite', 'http://127.0.0.1:9', ...flags]);

test.each([
  [['--from', 'yesterday'], '--from "yesterday" is not a time'],
  [['--from', '-1h', '--until', 'tomorrow'], '--until "tomorrow" is not a time'],
  [['--from', '-1h', '--until', '-2h'], '--from -1h is not before --until -2h: the range is empty'],
  [['--max-pages', 'abc'], '--max-pages takes a whole number, not "abc"'],
  [['--via', 'influx'], '--via takes carbon or statsd, not "influx"'],
  [
    ['--rule', 'container_hi_cpu'],
    '--rule container_hi_cpu: no rule by that name in rules/resources.yaml; did you mean "container_high_cpu"?',
  ],
])('lookout backtest %j: exit 2, %s', async (flags, message) => {
  const r = await backtest(...flags);
  expect(r.stderr).toContain(message);
  expect(r.code).toBe(2);
});

test.each([
  [['--match', 'service=web', '--for', '30x'], '--for "30x" is not a duration'],
  [['--match', 'service', '--for', '30m'], '--match "service" is not a matcher'],
  [['--match', 'service=~.*', '--for', '30m'], 'a silence must not match every alert'],
])('lookout silence add %j: exit 2, %s', async (flags, message) => {
  const r = await lookoutCli(['silence', 'add', ...flags, '--comment', 'deploy'], {
    LOOKOUT_STATE__PATH: path.join(dir, 'state.db'),
  });
  expect(r.stderr).toContain(message);
  expect(r.code).toBe(2);
});

test('lookout explain of a name that is no rule and no alert: exit 2 and the nearest rule', async () => {
  const r = await lookoutCli(['explain', 'container_crash_lop', '--rules', 'rules/'], {
    LOOKOUT_STATE__PATH: path.join(dir, 'explain.db'),
  });
  expect(r.stderr).toContain('no rule or alert "container_crash_lop"');
  expect(r.stderr).toContain('did you mean "container_crash_loop"?');
  expect(r.code).toBe(2);
});
