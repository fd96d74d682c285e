import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { loadConfig } from './load';
import { duration, secret, Secret } from './types';

const schema = z
  .object({
    collector: z
      .object({ interval: duration().prefault('10s'), name: z.string().default('x') })
      .strict()
      .prefault({}),
    notify: z.object({ key: secret().optional() }).strict().prefault({}),
  })
  .strict();

function write(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-cfg-'));
  const file = path.join(dir, 'lookout.yaml');
  fs.writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives defaults with no file at all', () => {
    expect(loadConfig(schema, { env: {} })).toEqual({
      collector: { interval: 10_000, name: 'x' },
      notify: {},
    });
  });

  it('reports every problem at once, located at file:line:col with the key', () => {
    const file = write('collector:\n  interval: 10x\n  nmae: web\nextra: 1\n');
    expect(problemsOf(() => loadConfig(schema, { file, env: {} }))).toEqual([
      `${file}:2:13: collector.interval: "10x" is not a duration (use e.g. 500ms, 10s, 5m, 1h)`,
      `${file}:3:3: collector.nmae: unknown key "nmae"`,
      `${file}:4:1: extra: unknown key "extra"`,
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const file = write('collector:\n  interval: [1s\n');
    const [first] = problemsOf(() => loadConfig(schema, { file, env: {} }));
    expect(first).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
  });

  it('takes each setting from LOOKOUT_ env variables, over the file', () => {
    const file = write('collector:\n  interval: 10s\n');
    const cfg = loadConfig(schema, {
      file,
      env: { LOOKOUT_COLLECTOR__INTERVAL: '2s', LOOKOUT_COLLECTOR__NAME: 'db' },
    });
    expect(cfg.collector).toEqual({ interval: 2000, name: 'db' });
  });

  it('names the env variable when its value is wrong', () => {
    expect(problemsOf(() => loadConfig(schema, { env: { LOOKOUT_COLLECTOR__INTERVAL: 'soon' } }))).toEqual([
      'env LOOKOUT_COLLECTOR__INTERVAL: collector.interval: "soon" is not a duration (use e.g. 500ms, 10s, 5m, 1h)',
    ]);
  });

  it('reads secrets from the environment and never prints them', () => {
    delete process.env.LK_TEST_KEY;
    expect(
      problemsOf(() => loadConfig(schema, { file: write('notify:\n  key: {env: LK_TEST_KEY}\n'), env: {} })),
    ).toEqual([expect.stringContaining('notify.key: environment variable LK_TEST_KEY is not set')]);
    process.env.LK_TEST_KEY = 'hunter2';
    const withKey = loadConfig(schema, { file: write('notify:\n  key: {env: LK_TEST_KEY}\n'), env: {} });
    delete process.env.LK_TEST_KEY;
    expect(withKey.notify.key).toBeInstanceOf(Secret);
    expect(withKey.notify.key!.reveal()).toBe('hunter2');
    expect(JSON.stringify(withKey)).not.toContain('hunter2');
    expect(String(withKey.notify.key)).toBe('[redacted]');
  });

  it('refuses a secret written in the config text', () => {
    const file = write('notify:\n  key: hunter2\n');
    const [msg] = problemsOf(() => loadConfig(schema, { file, env: {} }));
    expect(msg).toContain(`${file}:2:8: notify.key: a secret is {env: NAME} or {file: PATH}`);
    expect(msg).not.toContain('hunter2');
  });
});

describe('env variables that are not settings', () => {
  it('ignores a single-level LOOKOUT_ name that is no top-level key, but reports a nested typo', () => {
    expect(
      loadConfig(schema, { env: { LOOKOUT_TEST_IMAGE: 'x', LOOKOUT_SERVICES_DIR: '/tmp' } }).collector.name,
    ).toBe('x');
    expect(problemsOf(() => loadConfig(schema, { env: { LOOKOUT_COLLECTOR__INTERVALL: '1s' } }))).toEqual([
      'env LOOKOUT_COLLECTOR__INTERVALL: collector.intervall: unknown key "intervall"',
    ]);
  });

  it('names the variable when the typo is in a section above the leaf', () => {
    const file = write('collector:\n  name: web\n');
    expect(problemsOf(() => loadConfig(schema, { file, env: { LOOKOUT_COLECTOR__INTERVAL: '1s' } }))).toEqual(
      [expect.stringMatching(/^env LOOKOUT_COLECTOR__INTERVAL: colector: unknown key "colector"/)],
    );
  });
});
