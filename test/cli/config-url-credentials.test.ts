/**
 * A webhook URL with user:password in it never delivered (fetch refuses such a URL) and put
 * the password in logs, the decision log and the incident page through fetch's error text.
 * The config now refuses it at load, located, without quoting the password.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../cli/config';
import { ConfigError } from '../../core/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-urlcred-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function problems(text: string): string[] {
  const file = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(file, text);
  try {
    readConfig(file, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}

test('a webhook URL or a link with credentials is refused with file, line and key', () => {
  const found = problems(
    [
      'notify:',
      '  receivers:',
      "    - { name: hook, type: webhook, url: 'https://bot:hunter2@hooks.example.net/x' }",
      '  route: { receiver: hook }',
      '  links:',
      '    grafana_url: https://admin:s3cret@grafana.example.net',
    ].join('\n'),
  );
  expect(found).toEqual([
    expect.stringMatching(
      /lookout\.yaml:3:41: notify\.receivers\[0\]\.url: a URL with a user or password cannot be sent/,
    ),
    expect.stringMatching(/lookout\.yaml:6:18: notify\.links\.grafana_url: a URL with a user or password/),
  ]);
  expect(found.join('\n')).not.toMatch(/hunter2|s3cret/);
});

test('a URL whose token is in its path (a chat webhook) is still accepted', () => {
  expect(
    problems(
      [
        'notify:',
        '  receivers:',
        "    - { name: hook, type: webhook, url: 'https://hooks.example.net/services/T0/B0/abc123' }",
        '  route: { receiver: hook }',
      ].join('\n'),
    ),
  ).toEqual([]);
});
