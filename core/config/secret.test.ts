import { z } from 'zod';
import { LookoutError } from '../errors';
import { secret, withSecretsResolvedWhenUsed } from './types';

const VAR = `LOOKOUT_TEST_SECRET_${process.pid}`;
const schema = z.object({ key: secret() });
afterEach(() => delete process.env[VAR]);

test('at load, an unset env secret is a problem at its key', () => {
  const r = schema.safeParse({ key: { env: VAR } });
  expect(r.success).toBe(false);
  expect(r.error!.issues).toEqual([
    expect.objectContaining({ path: ['key'], message: `environment variable ${VAR} is not set` }),
  ]);
});

test('resolved when used: parsing succeeds, revealing reads the variable then, and keeps it', () => {
  const cfg = withSecretsResolvedWhenUsed(() => schema.parse({ key: { env: VAR } }));
  expect(() => cfg.key.reveal()).toThrow(
    new LookoutError(`environment variable ${VAR} is not set: this command needs that secret of the config`),
  );
  process.env[VAR] = 'v1';
  expect(cfg.key.reveal()).toBe('v1');
  process.env[VAR] = 'v2';
  expect(cfg.key.reveal()).toBe('v1');
  expect(JSON.stringify(cfg)).toBe('{"key":"[redacted]"}');
});

test('the mode ends with the parse it wrapped, even when that parse throws', () => {
  expect(() =>
    withSecretsResolvedWhenUsed(() => {
      throw new Error('bad');
    }),
  ).toThrow('bad');
  expect(schema.safeParse({ key: { env: VAR } }).success).toBe(false);
});
