/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testMatch: ['<rootDir>/{core,collector,alerter,cli,dashboards,bench,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Tests talk to real services on a small, noisy machine: generous deadlines, await events.
  testTimeout: 120_000,
  maxWorkers: 2,
  forceExit: false,
};
