import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../../core/config/load';
import { ConfigError } from '../../../core/errors';
import { dockerSectionSchemas } from './config';
import { dockerConfigSchema } from './config';
import { containerFilter } from './exclude';
import { matchesSelector, parseSelector } from './selector';

const meta = (id: string, labels: Record<string, string>) => ({
  id,
  name: id,
  image: 'i',
  service: id,
  labels,
});

describe('label selectors', () => {
  it.each([
    ['lookout.enable=false', { key: 'lookout.enable', value: 'false' }],
    ['ci.job', { key: 'ci.job' }],
    ['team=', { key: 'team', value: '' }],
    ['a=b=c', { key: 'a', value: 'b=c' }],
  ])('parses %s', (text, want) => {
    expect(parseSelector(text)).toEqual(want);
  });

  it.each(['', '=x', 'my label=x', ' key'])('refuses %j', (text) => {
    expect(parseSelector(text)).toEqual({ problem: expect.stringContaining('is not a label selector') });
  });

  it.each([
    [{ key: 'a' }, { a: '' }, true],
    [{ key: 'a' }, { b: '1' }, false],
    [{ key: 'a', value: '1' }, { a: '1' }, true],
    [{ key: 'a', value: '1' }, { a: '2' }, false],
    [{ key: 'a', value: '' }, { a: '' }, true],
    [{ key: 'toString' }, {}, false],
  ])('%j against %j is %s', (sel, labels, want) => {
    expect(matchesSelector(sel, labels)).toBe(want);
  });
});

describe('docker.include', () => {
  it('watches only containers matching one selector, and exclude wins', () => {
    const watched = containerFilter(dockerConfigSchema.parse({ include: ['team=search', 'lookout.watch'] }));
    expect(watched(meta('a', { team: 'search' }))).toBe(true);
    expect(watched(meta('b', { 'lookout.watch': '' }))).toBe(true);
    expect(watched(meta('c', { team: 'payments' }))).toBe(false);
    expect(watched(meta('d', {}))).toBe(false);
    expect(watched(meta('e', { team: 'search', 'lookout.enable': 'false' }))).toBe(false);
  });

  it('absent watches everything; an empty list is refused, naming the key', () => {
    expect(dockerConfigSchema.parse({}).include).toBeUndefined();
    const r = dockerConfigSchema.safeParse({ include: [] });
    expect(r.error?.issues).toEqual([
      expect.objectContaining({
        path: ['include'],
        message: expect.stringContaining('list at least one selector'),
      }),
    ]);
  });
});

describe('docker.exclude', () => {
  it('defaults to lookout.enable=false, which leaves out only that value', () => {
    const watched = containerFilter(dockerConfigSchema.parse({}));
    expect(watched(meta('a', { 'lookout.enable': 'false' }))).toBe(false);
    expect(watched(meta('b', { 'lookout.enable': 'true' }))).toBe(true);
    expect(watched(meta('c', {}))).toBe(true);
  });

  it('leaves out a container matching any selector, and the collector itself', () => {
    const settings = dockerConfigSchema.parse({ exclude: ['ci.job', 'team=payments'] });
    const watched = containerFilter(settings, 'self');
    expect(watched(meta('a', { 'ci.job': '42' }))).toBe(false);
    expect(watched(meta('b', { team: 'payments' }))).toBe(false);
    expect(watched(meta('c', { team: 'search' }))).toBe(true);
    expect(watched(meta('self', {}))).toBe(false);
    // An empty list watches everything (the label then means nothing).
    expect(
      containerFilter(dockerConfigSchema.parse({ exclude: [] }))(meta('d', { 'lookout.enable': 'false' })),
    ).toBe(true);
  });

  it('names the bad entry by its path', () => {
    const r = dockerConfigSchema.safeParse({ exclude: ['ok', 'bad key'] });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([
      expect.objectContaining({ path: ['exclude', 1], message: expect.stringContaining('"bad key"') }),
    ]);
    expect(dockerConfigSchema.safeParse({ exclude: 'x' }).success).toBe(false);
  });

  it('a bad selector in a file is a config error at its file, line and key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-exclude-'));
    const file = path.join(dir, 'lookout.yaml');
    fs.writeFileSync(file, 'docker:\n  exclude:\n    - ci.job\n    - "my label=x"\n');
    const schema = z.object(dockerSectionSchemas).strict();
    try {
      loadConfig(schema, { file, env: {} });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(
        `${file}:4:7: docker.exclude[1]: "my label=x" is not a label selector (use key or key=value, e.g. lookout.enable=false)`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
