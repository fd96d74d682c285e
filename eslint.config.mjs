import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The import rules of docs/ARCHITECTURE.md (test/architecture checks them on resolved paths too). */
const forbid = (...folders) => [
  'error',
  {
    patterns: [
      {
        group: folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]),
        message: 'crosses a layer: see "Who may import whom" in docs/ARCHITECTURE.md',
      },
    ],
  },
];
const boundaries = [
  {
    files: ['core/**/*.ts'],
    rules: { 'no-restricted-imports': forbid('collector', 'alerter', 'cli', 'dashboards', 'test') },
  },
  {
    files: ['collector/**/*.ts'],
    rules: { 'no-restricted-imports': forbid('alerter', 'cli', 'dashboards', 'test', 'deploy') },
  },
  {
    files: ['alerter/**/*.ts'],
    rules: { 'no-restricted-imports': forbid('collector', 'cli', 'test', 'deploy') },
  },
  {
    files: ['dashboards/**/*.ts'],
    rules: { 'no-restricted-imports': forbid('collector', 'alerter', 'cli', 'test') },
  },
  { files: ['cli/**/*.ts'], rules: { 'no-restricted-imports': forbid('test', 'deploy', 'bench', 'demo') } },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'dashboards/build/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  ...boundaries,
  {
    // Small modules with one job: a file over 300 lines or a function over 60 is asking to be
    // split. A file that must be longer says why in its header (an eslint max-lines comment).
    files: [
      'core/**/*.ts',
      'collector/**/*.ts',
      'alerter/**/*.ts',
      'cli/**/*.ts',
      'dashboards/**/*.ts',
      'demo/**/*.ts',
      'test/**/*.ts',
    ],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 60 }],
    },
  },
  {
    // A test's body is a scenario read top to bottom; its file still keeps to 300 lines.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { 'max-lines-per-function': 'off', 'no-restricted-imports': 'off' },
  },
  {
    // Tests, benchmarks and the demo read JSON from real servers (pages, mails, renders) freely.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'demo/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
